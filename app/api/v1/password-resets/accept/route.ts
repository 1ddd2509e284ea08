import { NextResponse } from "next/server";
import { errorResponse, readJsonBody } from "@/lib/api";
import { ZResetPasswordRequest } from "@/lib/schemas/accounts";
import { resetPassword } from "@/lib/server/users/reset-password";

// POST /api/v1/password-resets/accept {token, password}: public; the one-time link's token is the credential
// (body read under the same size, nesting and NUL checks as every withUser route)
export async function POST(req: Request) {
  try {
    const body = ZResetPasswordRequest.parse((await readJsonBody(req)) ?? {});
    return NextResponse.json(await resetPassword(body), { status: 200 });
  } catch (err) {
    return errorResponse(err);
  }
}
