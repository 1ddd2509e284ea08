import "server-only";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

// Sign-in throttle: growing delays instead of a lockout. Failures are counted per account (since its last
// successful sign-in) and per address within the window; past a free allowance each further try must wait
// 1 s, 2 s, 4 s ... after the latest failure, capped, so a stranger can slow an account down but never lock
// it. A refused try is not counted (it checked no password), so hammering during the wait does not grow it.
// The account's delay does not apply from an address that signed in to that account recently: a stranger's
// failures elsewhere do not stand between a person and their usual address.

export const LOGIN_RATE_LIMITED = "Too many failed sign-ins.";
const KNOWN_ADDRESS_DAYS = 30;
const BASE_DELAY_SECONDS = 1;

/** Seconds to wait after the latest failure when `failures` have been counted and `free` are allowed. */
export function loginDelaySeconds(failures: number, free: number, maxSeconds: number): number {
  if (failures < free) return 0;
  return Math.min(maxSeconds, BASE_DELAY_SECONDS * 2 ** (failures - free));
}

/**
 * Claims one sign-in try for `email` from `ip`, or refuses it (429, with `retryAfterSeconds`) while a delay
 * runs. The try is recorded as a failure before the password is checked (the caller marks it a success),
 * and the check and the record happen under per-account and per-address locks: parallel tries cannot all
 * slip through one opening.
 */
export async function claimLoginAttempt(options: { email: string; ip: string | null }): Promise<{ attemptId: string }> {
  const { email, ip } = options;
  const { LOGIN_MAX_FAILURES, LOGIN_WINDOW_MINUTES, LOGIN_DELAY_MAX_SECONDS } = env();
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(1, hashtext(${email}))`;
    if (ip) await tx.$executeRaw`SELECT pg_advisory_xact_lock(2, hashtext(${ip}))`;
    const now = new Date();
    const windowStart = new Date(now.getTime() - LOGIN_WINDOW_MINUTES * 60_000);
    const lastSuccess = await tx.loginAttempt.findFirst({
      where: { email, success: true, createdAt: { gte: windowStart } },
      orderBy: { createdAt: "desc" },
      select: { createdAt: true },
    });
    const byAccount = await tx.loginAttempt.aggregate({
      where: { email, success: false, createdAt: { gte: lastSuccess?.createdAt ?? windowStart } },
      _count: { _all: true },
      _max: { createdAt: true },
    });
    const byAddress = ip
      ? await tx.loginAttempt.aggregate({
          where: { ip, success: false, createdAt: { gte: windowStart } },
          _count: { _all: true },
          _max: { createdAt: true },
        })
      : null;
    const waitFor = (failures: number, free: number, last: Date | null | undefined) =>
      last ? Math.max(0, last.getTime() + loginDelaySeconds(failures, free, LOGIN_DELAY_MAX_SECONDS) * 1000 - now.getTime()) : 0;
    let accountWait = waitFor(byAccount._count._all, LOGIN_MAX_FAILURES, byAccount._max.createdAt);
    if (accountWait > 0 && ip) {
      const known = await tx.loginAttempt.findFirst({
        where: { email, ip, success: true, createdAt: { gte: new Date(now.getTime() - KNOWN_ADDRESS_DAYS * 86_400_000) } },
        select: { id: true },
      });
      if (known) accountWait = 0;
    }
    const addressWait = byAddress ? waitFor(byAddress._count._all, LOGIN_MAX_FAILURES * 4, byAddress._max.createdAt) : 0;
    const wait = Math.max(accountWait, addressWait);
    if (wait > 0) {
      const retryAfterSeconds = Math.ceil(wait / 1000);
      throw new AppError("RATE_LIMITED", `${LOGIN_RATE_LIMITED} Try again in ${retryAfterSeconds} second${retryAfterSeconds === 1 ? "" : "s"}.`, { retryAfterSeconds });
    }
    const attempt = await tx.loginAttempt.create({ data: { email, ip, success: false, createdAt: now }, select: { id: true } });
    return { attemptId: attempt.id };
  });
}
