import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { LOGIN_FAILED } from "@/lib/auth";
import { createUser } from "@/lib/server/users/create-user";
import { startSignInServer } from "../helpers/sign-in-server";

// This file's process trusts the local proxy (the test client connects from 127.0.0.1); env() is read
// lazily, so setting the variable before the first sign-in is enough.
process.env.TRUSTED_PROXIES = "127.0.0.1, ::1";
const unique = (tag = "u") => `${tag}-${crypto.randomUUID()}@t.dev`;

describe("sign-in behind a trusted proxy", () => {
  let server: Awaited<ReturnType<typeof startSignInServer>>;
  beforeAll(async () => {
    server = await startSignInServer();
  });
  afterAll(async () => {
    await server.close();
    delete process.env.TRUSTED_PROXIES;
  });

  it("throttles the client the proxy names, not everyone behind the proxy", async () => {
    const noisy = "198.51.100.7";
    for (let i = 0; i < 20; i++) {
      // The client may prepend anything; the proxy appends the address it saw, and that one counts.
      const res = await server.signIn(unique("proxied"), "guess-123", { "x-forwarded-for": `203.0.113.${i}, ${noisy}` });
      expect(res.error).toBe(LOGIN_FAILED);
    }
    const rows = await db.loginAttempt.findMany({ where: { email: { startsWith: "proxied-" } }, select: { ip: true } });
    expect(new Set(rows.map((r) => r.ip))).toEqual(new Set([noisy]));
    await db.loginAttempt.updateMany({ where: { ip: noisy }, data: { createdAt: new Date() } }); // "just now", however slow the machine
    expect((await server.signIn(unique("proxied"), "guess-123", { "x-forwarded-for": `1.2.3.4, ${noisy}` })).error).toMatch(/Too many failed sign-ins/);

    // Someone else behind the same proxy signs in at once.
    const email = unique();
    const user = await createUser({ email, password: "correct horse", role: "LABELER" });
    expect(await server.signIn(email, "correct horse", { "x-forwarded-for": "198.51.100.8" })).toEqual({ ok: true, id: user.id });
  });
});
