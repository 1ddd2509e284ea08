import { NextResponse } from "next/server";
import { errorResponse } from "@/lib/api";
import { ZResetPasswordRequest } from "@/lib/schemas/accounts";
import { resetPassword } from "@/lib/server/users/reset-password";

// POST /api/v1/password-resets/accept {token, password}: public; the one-time link's token is the credential
export async function POST(req: Request) {
  try {
    const body = ZResetPasswordRequest.parse(await req.json().catch(() => ({})));
    return NextResponse.json(await resetPassword(body), { status: 200 });
  } catch (err) {
    return errorResponse(err);
  }
}
