import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import type { User } from "next-auth";
import type { JWT } from "next-auth/jwt";
import { db } from "@/lib/db";
import { authenticateWithPassword, authOptions, findSessionUser, hashPassword, LOGIN_FAILED } from "@/lib/auth";
import { createUser as createUserWithPassword } from "@/lib/server/users/create-user";
import { changePassword } from "@/lib/server/users/change-password";
import { apiRequest, createUser, routeContext } from "../helpers/factories";
import * as mePassword from "@/app/api/v1/me/password/route";
import * as resetLink from "@/app/api/v1/users/[id]/password-reset/route";
import * as resetAccept from "@/app/api/v1/password-resets/accept/route";

const unique = (tag = "u") => `${tag}-${crypto.randomUUID()}@t.dev`;
const options = authOptions();

/** What NextAuth does at sign-in: the jwt callback with the signed-in user gives the session token's claims. */
async function signIn(email: string, password: string): Promise<JWT> {
  const user = await authenticateWithPassword(email, password, null);
  return options.callbacks!.jwt!({ token: {}, user: user as User, account: null, trigger: "signIn" });
}

async function person(password = "correct horse") {
  const email = unique();
  const user = await createUserWithPassword({ email, password, role: "LABELER" });
  return { ...user, password };
}

describe("browser sessions", () => {
  it("sign-out ends the session its token names: a copy of the token stops working", async () => {
    const me = await person();
    const laptop = await signIn(me.email, me.password);
    const phone = await signIn(me.email, me.password);
    expect(laptop.sid).toEqual(expect.any(String));
    expect(await findSessionUser(laptop)).toMatchObject({ id: me.id });
    await options.events!.signOut!({ token: laptop, session: undefined as never });
    expect(await findSessionUser(laptop)).toBeNull();
    expect(await findSessionUser(phone)).toMatchObject({ id: me.id });
  });

  it("a token without a session id, or with an expired session, is refused", async () => {
    const me = await person();
    const token = await signIn(me.email, me.password);
    expect(await findSessionUser({ ...token, sid: undefined })).toBeNull();
    await db.authSession.update({ where: { id: token.sid as string }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await findSessionUser(token)).toBeNull();
  });
});

describe("password change", () => {
  it("needs the current password, ends the other sessions and keeps this one", async () => {
    const me = await person();
    const here = await signIn(me.email, me.password);
    const elsewhere = await signIn(me.email, me.password);
    await expect(changePassword({ userId: me.id, currentSessionId: here.sid as string, ip: null, request: { currentPassword: "not it", newPassword: "new password 1" } }))
      .rejects.toThrow(/current password is not right/);
    await changePassword({ userId: me.id, currentSessionId: here.sid as string, ip: null, request: { currentPassword: me.password, newPassword: "new password 1" } });
    expect(await findSessionUser(here)).toMatchObject({ id: me.id });
    expect(await findSessionUser(elsewhere)).toBeNull();
    await expect(authenticateWithPassword(me.email, me.password, null)).rejects.toThrow(LOGIN_FAILED);
    await expect(authenticateWithPassword(me.email, "new password 1", null)).resolves.toMatchObject({ id: me.id });
    expect((await db.user.findUniqueOrThrow({ where: { id: me.id } })).passwordChangedAt).toBeInstanceOf(Date);
  });

  it("the API names a short new password and a wrong current one", async () => {
    const me = await createUser();
    await db.user.update({ where: { id: me.id }, data: { passwordHash: await hashPassword("current pass 1") } });
    const short = await mePassword.POST(apiRequest("/api/v1/me/password", { method: "POST", token: me.token, json: { currentPassword: "x", newPassword: "short" } }));
    expect(short.status).toBe(422);
    expect((await short.json()).issues.map((i: { path: string }) => i.path)).toEqual(["newPassword"]);
    const wrong = await mePassword.POST(apiRequest("/api/v1/me/password", { method: "POST", token: me.token, json: { currentPassword: "not it at all", newPassword: "long enough 1" } }));
    expect(wrong.status).toBe(422);
    expect((await wrong.json()).error).toMatch(/current password/);
    const anonymous = await mePassword.POST(apiRequest("/api/v1/me/password", { method: "POST", json: { currentPassword: "x", newPassword: "long enough 1" } }));
    expect(anonymous.status).toBe(401);
  });
});

describe("password reset links", () => {
  const issue = (adminToken: string, userId: string) =>
    resetLink.POST(apiRequest(`/api/v1/users/${userId}/password-reset`, { method: "POST", token: adminToken }), routeContext({ id: userId }));
  const accept = (token: string, password: string) =>
    resetAccept.POST(apiRequest("/api/v1/password-resets/accept", { method: "POST", json: { token, password } }));

  it("an admin's link sets a new password once, ends the user's sessions, and stores only a hash", async () => {
    const admin = await createUser({ role: "ADMIN" });
    const me = await person();
    const session = await signIn(me.email, me.password);
    const res = await issue(admin.token, me.id);
    expect(res.status).toBe(201);
    const { url, expiresAt } = await res.json();
    const token = new URL(url).pathname.replace("/reset/", "");
    expect(token).toMatch(/^pwr_/);
    expect(new Date(expiresAt).getTime() - Date.now()).toBeGreaterThan(23.9 * 3_600_000);
    const row = await db.passwordReset.findFirstOrThrow({ where: { userId: me.id } });
    expect(row.tokenHash).toBe(crypto.createHash("sha256").update(token).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(token);

    expect((await accept(`${token}x`, "brand new pass")).status).toBe(404);
    expect((await accept(token, "short")).status).toBe(422);
    expect((await accept(token, "brand new pass")).status).toBe(200);
    expect(await findSessionUser(session)).toBeNull();
    await expect(authenticateWithPassword(me.email, "brand new pass", null)).resolves.toMatchObject({ id: me.id });
    expect((await accept(token, "another pass 2")).status).toBe(404);
  });

  it("only admins issue links; an expired link or one replaced by a newer link is refused", async () => {
    const admin = await createUser({ role: "ADMIN" });
    const reviewer = await createUser({ role: "REVIEWER" });
    const me = await person();
    expect((await issue(reviewer.token, me.id)).status).toBe(403);
    const tokenOf = async (res: Response) => new URL((await res.json()).url).pathname.replace("/reset/", "");
    const first = await tokenOf(await issue(admin.token, me.id));
    const second = await tokenOf(await issue(admin.token, me.id));
    expect((await accept(first, "brand new pass")).status).toBe(404);
    await db.passwordReset.updateMany({ where: { userId: me.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await accept(second, "brand new pass")).status).toBe(404);
  });

  it("parallel uses of one link: exactly one sets the password", async () => {
    const admin = await createUser({ role: "ADMIN" });
    const me = await person();
    const token = new URL((await (await issue(admin.token, me.id)).json()).url).pathname.replace("/reset/", "");
    const statuses = await Promise.all(Array.from({ length: 6 }, (_, i) => accept(token, `parallel pass ${i}`).then((r) => r.status)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 404)).toHaveLength(5);
  });
});
