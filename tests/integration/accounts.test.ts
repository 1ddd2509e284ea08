import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { authenticateWithPassword, hashPassword, LOGIN_FAILED, LOGIN_RATE_LIMITED } from "@/lib/auth";
import { createUser as createUserWithPassword } from "@/lib/server/users/create-user";
import { updateUser } from "@/lib/server/users/update-user";
import { createInvite } from "@/lib/server/invites/create-invite";
import { acceptInvite } from "@/lib/server/invites/accept-invite";
import { createFirstAdmin } from "@/lib/server/users/create-first-admin";
import { apiRequest, createUser } from "../helpers/factories";
import * as users from "@/app/api/v1/users/route";
import * as acceptRoute from "@/app/api/v1/invites/accept/route";

const unique = (tag = "u") => `${tag}-${crypto.randomUUID()}@t.dev`;

describe("accounts", () => {
  it("stores passwords as argon2id hashes and signs in with the right one only", async () => {
    const email = unique();
    await createUserWithPassword({ email, password: "correct horse", role: "LABELER" });
    const row = await db.user.findUniqueOrThrow({ where: { email } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
    await expect(authenticateWithPassword(email.toUpperCase(), "correct horse", "10.0.0.1")).resolves.toMatchObject({ email });
    await expect(authenticateWithPassword(email, "wrong", "10.0.0.1")).rejects.toThrow(LOGIN_FAILED);
  });

  it("a failed login does not say which part was wrong", async () => {
    const email = unique();
    await createUserWithPassword({ email, password: "correct horse", role: "LABELER" });
    const wrongPassword = await authenticateWithPassword(email, "nope", null).catch((e: Error) => e.message);
    const unknownEmail = await authenticateWithPassword(unique(), "nope", null).catch((e: Error) => e.message);
    await db.user.update({ where: { email }, data: { active: false } });
    const deactivated = await authenticateWithPassword(email, "correct horse", null).catch((e: Error) => e.message);
    expect(new Set([wrongPassword, unknownEmail, deactivated])).toEqual(new Set([LOGIN_FAILED]));
  });

  it("repeated failures make the next sign-in for the account wait, even with the right password", async () => {
    const email = unique();
    await createUserWithPassword({ email, password: "correct horse", role: "LABELER" });
    for (let i = 0; i < 5; i++) await authenticateWithPassword(email, `bad-${i}`, null).catch(() => {});
    await db.loginAttempt.updateMany({ where: { email }, data: { createdAt: new Date() } });
    await expect(authenticateWithPassword(email, "correct horse", null)).rejects.toThrow(LOGIN_RATE_LIMITED);
  });

  it("an invitation creates the account once, with its role and project", async () => {
    const admin = await createUser({ role: "ADMIN" });
    const project = await db.project.create({ data: { name: "Invite project" } });
    const email = unique("inv");
    const invite = await createInvite({ createdById: admin.id, request: { email, role: "REVIEWER", projectId: project.id, expiresInDays: 7 } });
    const res = await acceptRoute.POST(apiRequest("/api/v1/invites/accept", { method: "POST", json: { token: invite.token, password: "password-9" } }));
    expect(res.status).toBe(201);
    const user = await db.user.findUniqueOrThrow({ where: { email }, include: { memberships: true } });
    expect(user.role).toBe("REVIEWER");
    expect(user.memberships.map((m) => [m.projectId, m.role])).toEqual([[project.id, "REVIEWER"]]);
    const again = await acceptRoute.POST(apiRequest("/api/v1/invites/accept", { method: "POST", json: { token: invite.token, password: "password-9" } }));
    expect(again.status).toBe(404);
    await expect(acceptInvite({ token: "inv_not-a-real-token", password: "password-9" })).rejects.toThrow(/invalid, used or expired/);
  });

  it("an expired invitation is refused", async () => {
    const admin = await createUser({ role: "ADMIN" });
    const invite = await createInvite({ createdById: admin.id, request: { email: unique(), role: "LABELER", expiresInDays: 1 } });
    await db.invite.update({ where: { id: invite.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expect(acceptInvite({ token: invite.token, password: "password-9" })).rejects.toThrow(/expired/);
  });

  it("deactivating a user ends their sessions; the last admin cannot be demoted by themself", async () => {
    const admin = await createUser({ role: "ADMIN" });
    const labeler = await createUser();
    const before = await db.user.findUniqueOrThrow({ where: { id: labeler.id } });
    await updateUser({ actorId: admin.id, userId: labeler.id, changes: { active: false } });
    const after = await db.user.findUniqueOrThrow({ where: { id: labeler.id } });
    expect(after.active).toBe(false);
    expect(after.sessionEpoch).toBe(before.sessionEpoch + 1);
    await expect(updateUser({ actorId: admin.id, userId: admin.id, changes: { role: "LABELER" } })).rejects.toThrow(/yourself/);
  });

  it("bad input to the users API is a 422 that names the field", async () => {
    const admin = await createUser({ role: "ADMIN" });
    const res = await users.POST(apiRequest("/api/v1/users", { method: "POST", token: admin.token, json: { email: "not-an-email", password: "short", role: "KING" } }));
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.issues.map((i: { path: string }) => i.path).sort()).toEqual(["email", "password", "role"]);
    const notJson = await users.POST(apiRequest("/api/v1/users", { method: "POST", token: admin.token, body: "{oops", headers: { "content-type": "application/json" } }));
    expect(notJson.status).toBe(400);
  });

  it("first-admin set-up works only while no user exists", async () => {
    // Users exist in the shared test database, so set-up must refuse.
    await expect(createFirstAdmin({ email: unique(), password: "password-1" })).rejects.toThrow(/already done/);
  });
});

describe("invitation acceptance", () => {
  it("made-up tokens are refused without hashing a password", async () => {
    const fakeAccept = () =>
      acceptRoute.POST(apiRequest("/api/v1/invites/accept", { method: "POST", json: { token: `inv_fake-${crypto.randomUUID()}`, password: "password-9" } }));
    const cpuMicros = async (work: () => Promise<unknown>) => {
      const start = process.cpuUsage();
      await work();
      const used = process.cpuUsage(start);
      return used.user + used.system; // every thread of this process; the database is another process
    };
    await hashPassword("warm-up-password");
    await fakeAccept();
    const hashes = [await cpuMicros(() => hashPassword("timing-1")), await cpuMicros(() => hashPassword("timing-2")), await cpuMicros(() => hashPassword("timing-3"))];
    const perHash = hashes.sort((a, b) => a - b)[1];

    const statuses: number[] = [];
    const used = await cpuMicros(() => Promise.all(Array.from({ length: 16 }, () => fakeAccept().then((r) => statuses.push(r.status)))));
    expect(statuses).toEqual(Array(16).fill(404));
    // Hashing first costs 16 hashes (measured: 12-20x one hash); 16 token lookups cost about 2x one hash.
    expect(used).toBeLessThan(perHash * 6);
  });
});
