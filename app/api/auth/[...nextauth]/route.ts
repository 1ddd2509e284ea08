import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth";

// GET|POST /api/auth/* (NextAuth: sign-in, sign-out, session, CSRF, OAuth callbacks)
async function handler(req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) {
  return NextAuth(authOptions())(req, { params: await ctx.params });
}
export { handler as GET, handler as POST };
