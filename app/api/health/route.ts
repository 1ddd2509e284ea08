import { NextResponse } from "next/server";
import { getHealth } from "@/lib/server/health/get-health";

export const dynamic = "force-dynamic";

// GET /api/health: app, database and worker status; 503 when one is down. Public: it shows no data.
export async function GET() {
  const health = await getHealth();
  return NextResponse.json(health, { status: health.status === "ok" ? 200 : 503 });
}
