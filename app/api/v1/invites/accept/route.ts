import { NextResponse } from "next/server";
import { errorResponse, readJsonBody } from "@/lib/api";
import { ZAcceptInviteRequest } from "@/lib/schemas/accounts";
import { acceptInvite } from "@/lib/server/invites/accept-invite";

// POST /api/v1/invites/accept {token, password, name?}: public; the one-time token is the credential
// (body read under the same size, nesting and NUL checks as every withUser route)
export async function POST(req: Request) {
  try {
    const body = ZAcceptInviteRequest.parse((await readJsonBody(req)) ?? {});
    return NextResponse.json(await acceptInvite(body), { status: 201 });
  } catch (err) {
    return errorResponse(err);
  }
}
