import { NextResponse } from "next/server";
import { openApiDocument } from "@/lib/openapi";

// GET /api/v1/openapi.json: the OpenAPI 3.1 document of /api/v1 (public: it describes, it grants nothing)
export function GET(req: Request) {
  return NextResponse.json(openApiDocument(new URL(req.url).origin));
}
