import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { authenticateWithPassword, LOGIN_FAILED } from "@/lib/auth";
import { createUser } from "@/lib/server/users/create-user";
import { resolveClientAddress } from "@/lib/server/auth/client-address";
import { PEER_ADDRESS_HEADER } from "@/lib/server/auth/peer-address";
import { startSignInServer } from "../helpers/sign-in-server";

// Defaults under test: 5 free failures per account, 20 per address, delays 1 s, 2 s, 4 s ... capped at 60 s.
const unique = (tag = "u") => `${tag}-${crypto.randomUUID()}@t.dev`;
let octet = 0;
const newAddress = () => `198.18.${Math.floor(Math.random() * 250)}.${(octet++ % 250) + 1}`;
const failureMessage = (p: Promise<unknown>) => p.then(() => "signed in", (e: Error) => e.message);
// Delays count from the latest failure; on a loaded machine the tries above may take longer than the first
// 1 s delay, so the test dates them "just now" before it checks that the delay applies.
const dateFailuresNow = (where: { email?: { startsWith: string } | string; ip?: string }) =>
  db.loginAttempt.updateMany({ where: { ...where, success: false }, data: { createdAt: new Date() } });

describe("sign-in throttle", () => {
  let server: Awaited<ReturnType<typeof startSignInServer>>;
  beforeAll(async () => {
    server = await startSignInServer();
  });
  afterAll(async () => server.close());

  it("rotating X-Forwarded-For does not get past the per-address throttle", async () => {
    // No trusted proxies: the address is the TCP peer (127.0.0.1), whatever the headers say.
    for (let i = 1; i <= 20; i++) {
      const res = await server.signIn(unique("spray"), "guess-123", { "x-forwarded-for": `203.0.113.${i}`, [PEER_ADDRESS_HEADER]: `203.0.113.${i}` });
      expect(res.error).toBe(LOGIN_FAILED);
    }
    await dateFailuresNow({ email: { startsWith: "spray-" } });
    const next = await server.signIn(unique("spray"), "guess-123", { "x-forwarded-for": "203.0.113.99" });
    expect(next.error).toMatch(/^Too many failed sign-ins\. Try again in 1 second\.$/);
    const rows = await db.loginAttempt.findMany({ where: { email: { startsWith: "spray-" } }, select: { ip: true } });
    expect(new Set(rows.map((r) => r.ip))).toEqual(new Set(["127.0.0.1"]));
  });

  it("a correct password gets in once its delay has passed, after a stranger's failures", async () => {
    const email = unique();
    await createUser({ email, password: "correct horse", role: "LABELER" });
    const stranger = newAddress();
    for (let i = 0; i < 5; i++) expect(await failureMessage(authenticateWithPassword(email, `bad-${i}`, stranger))).toBe(LOGIN_FAILED);
    await dateFailuresNow({ email });
    // The owner, from another address: the account's 1 s delay is running.
    expect(await failureMessage(authenticateWithPassword(email, "correct horse", newAddress()))).toMatch(/Try again in 1 second/);
    await new Promise((r) => setTimeout(r, 1100));
    await expect(authenticateWithPassword(email, "correct horse", newAddress())).resolves.toMatchObject({ email });
  });

  it("a stranger's failures never keep a person out for longer than the cap", async () => {
    const email = unique();
    await createUser({ email, password: "correct horse", role: "LABELER" });
    const stranger = newAddress();
    await db.loginAttempt.createMany({ data: Array.from({ length: 40 }, () => ({ email, ip: stranger, success: false })) });
    const refused = await authenticateWithPassword(email, "correct horse", newAddress()).catch((e) => e);
    expect(refused.code).toBe("RATE_LIMITED");
    expect(refused.details.retryAfterSeconds).toBeGreaterThan(30);
    expect(refused.details.retryAfterSeconds).toBeLessThanOrEqual(60);
    // A minute later (the cap), the right password gets in, though 40 failures are still in the window.
    await db.loginAttempt.updateMany({ where: { email }, data: { createdAt: new Date(Date.now() - 61_000) } });
    await expect(authenticateWithPassword(email, "correct horse", newAddress())).resolves.toMatchObject({ email });
  });

  it("failures on an account elsewhere do not hold up its owner at their usual address", async () => {
    const email = unique();
    await createUser({ email, password: "correct horse", role: "LABELER" });
    const home = newAddress();
    await authenticateWithPassword(email, "correct horse", home);
    const stranger = newAddress();
    for (let i = 0; i < 8; i++) await authenticateWithPassword(email, `bad-${i}`, stranger).catch(() => {});
    expect(await failureMessage(authenticateWithPassword(email, "bad-again", stranger))).toMatch(/Too many failed sign-ins/);
    await expect(authenticateWithPassword(email, "correct horse", home)).resolves.toMatchObject({ email });
  });

  it("parallel tries cannot all slip through one opening", async () => {
    const email = unique();
    await createUser({ email, password: "correct horse", role: "LABELER" });
    const stranger = newAddress();
    for (let i = 0; i < 5; i++) await authenticateWithPassword(email, `bad-${i}`, stranger).catch(() => {});
    await new Promise((r) => setTimeout(r, 1100));
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => failureMessage(authenticateWithPassword(email, `par-${i}`, stranger))));
    expect(results.filter((m) => m === LOGIN_FAILED)).toHaveLength(1);
    expect(results.filter((m) => /Too many failed sign-ins/.test(m))).toHaveLength(9);
  });
});

describe("client address", () => {
  const trustedProxies = ["10.0.0.0/8", "::1"];
  it("is the peer unless the peer is a trusted proxy", () => {
    expect(resolveClientAddress({ peer: "::ffff:192.0.2.1", forwardedFor: "1.2.3.4", trustedProxies })).toBe("192.0.2.1");
    expect(resolveClientAddress({ peer: "192.0.2.1", forwardedFor: "1.2.3.4", trustedProxies: [] })).toBe("192.0.2.1");
    expect(resolveClientAddress({ peer: null, forwardedFor: "1.2.3.4", trustedProxies })).toBeNull();
  });
  it("behind trusted proxies is the right-most forwarded address that is not a proxy", () => {
    expect(resolveClientAddress({ peer: "10.1.2.3", forwardedFor: "6.6.6.6, 192.0.2.7", trustedProxies })).toBe("192.0.2.7");
    expect(resolveClientAddress({ peer: "::1", forwardedFor: "192.0.2.7, 10.9.9.9", trustedProxies })).toBe("192.0.2.7");
    expect(resolveClientAddress({ peer: "10.1.2.3", forwardedFor: "2001:db8::5", trustedProxies })).toBe("2001:db8::5");
    expect(resolveClientAddress({ peer: "10.1.2.3", forwardedFor: null, trustedProxies })).toBe("10.1.2.3");
    expect(resolveClientAddress({ peer: "10.1.2.3", forwardedFor: "192.0.2.7, not-an-ip", trustedProxies })).toBe("10.1.2.3");
  });
});
