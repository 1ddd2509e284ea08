import "server-only";
import crypto from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import type { NextAuthOptions } from "next-auth";
import { getServerSession } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import type { Provider } from "next-auth/providers/index";
import { db, Prisma, sqlQuery, type Role } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { env } from "@/lib/env";
import { SQL_NOW } from "@/lib/server/labeling/sql-now";
import { claimLoginAttempt, LOGIN_RATE_LIMITED } from "@/lib/server/auth/claim-login-attempt";
import { requestClientAddress } from "@/lib/server/auth/client-address";
import { startAuthSession } from "@/lib/server/auth/start-auth-session";
import { endAuthSessions } from "@/lib/server/auth/end-auth-sessions";

// Accounts: email + password (argon2id), optional OAuth/OIDC, personal API tokens, and the guards every
// page, action and route goes through.

export type TSessionUser = { id: string; email: string; name: string | null; role: Role };

// ---------------------------------------------------------------------------------------------
// Passwords and tokens
// ---------------------------------------------------------------------------------------------

export const MIN_PASSWORD_LENGTH = 8;

export function hashPassword(password: string): Promise<string> {
  // argon2id with the library's defaults (19 MiB, 2 passes): memory-hard, as OWASP recommends.
  return hash(password);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// A hash to compare against when the email is unknown, so both failures take the same time.
let dummyHash: Promise<string> | undefined;

/** A new random secret with a recognisable prefix, e.g. `rlhf_<43 chars>`. */
export function newSecretToken(prefix = "rlhf"): string {
  return `${prefix}_${crypto.randomBytes(32).toString("base64url")}`;
}

export function hashToken(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}

// ---------------------------------------------------------------------------------------------
// Login with throttling
// ---------------------------------------------------------------------------------------------

export const LOGIN_FAILED = "Invalid email or password";
export { LOGIN_RATE_LIMITED };

/**
 * Checks an email and password. Fails with one message whatever was wrong (unknown email, wrong
 * password, deactivated account); after repeated failures for the account or from the address, makes
 * the next try wait a growing delay (lib/server/auth/claim-login-attempt.ts). `ip` is the caller's
 * address as resolved by lib/server/auth/client-address.ts (null when unknown).
 */
export async function authenticateWithPassword(
  emailRaw: string,
  password: string,
  ip: string | null,
): Promise<TSessionUser> {
  const email = emailRaw.trim().toLowerCase();
  const { attemptId } = await claimLoginAttempt({ email, ip });
  const user = await db.user.findUnique({ where: { email } });
  dummyHash ??= hashPassword(crypto.randomBytes(16).toString("hex"));
  const ok = await verifyPassword(user?.passwordHash ?? (await dummyHash), password);
  if (!user || !user.active || !user.passwordHash || !ok) throw new AppError("UNAUTHORIZED", LOGIN_FAILED);
  const now = new Date();
  await db.$transaction([
    db.loginAttempt.update({ where: { id: attemptId }, data: { success: true } }),
    db.user.update({ where: { id: user.id }, data: { lastLoginAt: now } }),
  ]);
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

// ---------------------------------------------------------------------------------------------
// NextAuth
// ---------------------------------------------------------------------------------------------

function oauthProviders(): Provider[] {
  const e = env();
  const providers: Provider[] = [];
  if (e.GITHUB_ID && e.GITHUB_SECRET) {
    providers.push(GitHubProvider({ clientId: e.GITHUB_ID, clientSecret: e.GITHUB_SECRET }));
  }
  if (e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET) {
    providers.push({
      id: "oidc",
      name: e.OIDC_NAME ?? "Single sign-on",
      type: "oauth",
      wellKnown: `${e.OIDC_ISSUER.replace(/\/$/, "")}/.well-known/openid-configuration`,
      authorization: { params: { scope: "openid email profile" } },
      idToken: true,
      checks: ["pkce", "state"],
      clientId: e.OIDC_CLIENT_ID,
      clientSecret: e.OIDC_CLIENT_SECRET,
      profile(profile: { sub: string; email: string; name?: string }) {
        return { id: profile.sub, email: profile.email, name: profile.name ?? null };
      },
    });
  }
  return providers;
}

export function listOAuthProviders(): { id: string; name: string }[] {
  return oauthProviders().map((p) => ({ id: p.id, name: p.name }));
}

/** How long a browser session lasts (the JWT cookie and its AuthSession row alike). */
export const SESSION_MAX_AGE_SECONDS = 7 * 24 * 3600;

type TSignInUser = TSessionUser & { signInAddress?: string | null; userAgent?: string | null };

export function authOptions(): NextAuthOptions {
  return {
    secret: process.env.NEXTAUTH_SECRET,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/login", error: "/login" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, req) {
          if (!credentials?.email || !credentials.password) throw new Error(LOGIN_FAILED);
          // NextAuth hands over headers only: the address comes from the peer-address hook and trusted proxies.
          const ip = requestClientAddress(req?.headers);
          const userAgent = req?.headers?.["user-agent"];
          try {
            const user = await authenticateWithPassword(credentials.email, credentials.password, ip);
            return { ...user, signInAddress: ip, userAgent: typeof userAgent === "string" ? userAgent : null } satisfies TSignInUser;
          } catch (err) {
            throw new Error(err instanceof AppError ? err.message : LOGIN_FAILED);
          }
        },
      }),
      ...oauthProviders(),
    ],
    callbacks: {
      // OAuth sign-in only for people who already have an active account (invited first).
      async signIn({ user, account }) {
        if (!account || account.type === "credentials") return true;
        const email = user.email?.toLowerCase();
        if (!email) return false;
        const existing = await db.user.findUnique({ where: { email } });
        if (!existing || !existing.active) return "/login?error=NotInvited";
        await db.account.upsert({
          where: { provider_providerAccountId: { provider: account.provider, providerAccountId: account.providerAccountId } },
          create: { userId: existing.id, provider: account.provider, providerAccountId: account.providerAccountId },
          update: {},
        });
        return true;
      },
      // At sign-in (only then is `user` given) the token gets the user, their epoch and a new session id.
      async jwt({ token, user }) {
        if (user) {
          const email = (user.email ?? "").toLowerCase();
          const row = await db.user.findUnique({ where: { email } });
          if (row) {
            const { signInAddress, userAgent } = user as Partial<TSignInUser>;
            const session = await startAuthSession({ userId: row.id, maxAgeSeconds: SESSION_MAX_AGE_SECONDS, ip: signInAddress, userAgent });
            token.uid = row.id;
            token.epoch = row.sessionEpoch;
            token.sid = session.id;
          }
        }
        return token;
      },
      async session({ session, token }) {
        Object.assign(session, { uid: token.uid, epoch: token.epoch, sid: token.sid });
        return session;
      },
    },
    events: {
      // Sign-out ends the session in the database: a copy of the cookie stops working with it.
      async signOut({ token }) {
        const sid = (token as { sid?: unknown } | null)?.sid;
        if (typeof sid === "string") await endAuthSessions({ sessionId: sid });
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Who is calling
// ---------------------------------------------------------------------------------------------

type TSessionClaims = { uid?: string; epoch?: number; sid?: string };

async function sessionClaims(): Promise<TSessionClaims> {
  return ((await getServerSession(authOptions())) ?? {}) as TSessionClaims;
}

/**
 * The user of a session token's claims, or null: the session must be open (not signed out, not ended by a
 * password change or reset, not expired), the user active, and the epoch current (deactivation and role
 * changes bump it). Tokens from before sessions were recorded carry no `sid` and are refused.
 */
export async function findSessionUser(token: Record<string, unknown>): Promise<TSessionUser | null> {
  const claims = token as TSessionClaims;
  if (typeof claims.uid !== "string" || typeof claims.sid !== "string") return null;
  const [row] = await sqlQuery<{ id: string; email: string; name: string | null; role: Role; sessionEpoch: number }>(Prisma.sql`
    SELECT u.id, u.email, u.name, u.role::text AS role, u."sessionEpoch"
    FROM "AuthSession" s JOIN "User" u ON u.id = s."userId"
    WHERE s.id = ${claims.sid} AND s."userId" = ${claims.uid} AND s."endedAt" IS NULL AND s."expiresAt" > ${SQL_NOW} AND u.active`);
  if (!row || claims.epoch !== row.sessionEpoch) return null;
  return { id: row.id, email: row.email, name: row.name, role: row.role };
}

/** The signed-in user of a page or server action, or null (deactivated users and ended sessions too). */
export async function getSessionUser(): Promise<TSessionUser | null> {
  return findSessionUser(await sessionClaims());
}

/** The id of the browser session the current request came with (null for none, e.g. a bearer token). */
export async function getSessionId(): Promise<string | null> {
  return (await sessionClaims()).sid ?? null;
}

/** The user a personal API token belongs to, or null for an unknown, revoked or expired token. */
export async function getTokenUser(token: string): Promise<TSessionUser | null> {
  // Hot path of every API call: one indexed lookup in plain SQL (no Prisma query planning per call), and
  // never cached, so revoking a token or deactivating its user takes effect on the very next request.
  const [row] = await sqlQuery<{
    id: string; revokedAt: Date | null; expiresAt: Date | null; lastUsedAt: Date | null;
    userId: string; email: string; name: string | null; role: Role; active: boolean;
  }>(Prisma.sql`
    SELECT t.id, t."revokedAt", t."expiresAt", t."lastUsedAt",
      u.id AS "userId", u.email, u.name, u.role::text AS role, u.active
    FROM "ApiToken" t JOIN "User" u ON u.id = t."userId"
    WHERE t."tokenHash" = ${hashToken(token)}`);
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt < new Date()) || !row.active) return null;
  // Record use at most once a minute: cheap on hot API paths.
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
    await sqlQuery(Prisma.sql`UPDATE "ApiToken" SET "lastUsedAt" = ${SQL_NOW} WHERE id = ${row.id}`);
  }
  return { id: row.userId, email: row.email, name: row.name, role: row.role };
}

/** Bearer token first (scripts), else the browser session (looked up only when a session cookie came). */
export async function getRequestUser(req: Request): Promise<TSessionUser | null> {
  const header = req.headers.get("authorization");
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) return null;
    return getTokenUser(match[1]);
  }
  if (!/(^|;\s*)(__Secure-)?next-auth\.session-token(\.\d+)?=/.test(req.headers.get("cookie") ?? "")) return null;
  return getSessionUser();
}

const roleRank: Record<Role, number> = { LABELER: 0, REVIEWER: 1, ADMIN: 2 };

/** True when `role` is at least `needed` (ADMIN > REVIEWER > LABELER). */
export function hasRole(role: Role, needed: Role): boolean {
  return roleRank[role] >= roleRank[needed];
}

export function assertRole(user: TSessionUser | null, needed?: Role): asserts user is TSessionUser {
  if (!user) throw new AppError("UNAUTHORIZED", "Sign in or send a valid API token");
  if (needed && !hasRole(user.role, needed)) throw AppError.forbidden(`This needs the ${needed} role`);
}
