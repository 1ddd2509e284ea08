// When `npm start` restarts a process that crashed: after a delay that doubles with each crash within the
// window (1 s, 2 s, 4 s ... at most 30 s), and not at all after `limit` restarts within the window.

export const RESTART_POLICY = {
  firstDelayMs: 1_000, // delay before the first restart
  maxDelayMs: 30_000,
  limit: 5, // restarts allowed within the window
  windowMs: 5 * 60_000,
};

export type TRestartPlan = { crashes: number[] } & ({ restart: true; delayMs: number } | { restart: false });

/** Adds a crash at `now` to the earlier ones (times in ms) and says whether and when to restart. */
export function planRestart(earlierCrashes: number[], now: number, policy = RESTART_POLICY): TRestartPlan {
  const crashes = [...earlierCrashes.filter((t) => now - t < policy.windowMs), now];
  if (crashes.length > policy.limit) return { crashes, restart: false };
  return { crashes, restart: true, delayMs: Math.min(policy.firstDelayMs * 2 ** (crashes.length - 1), policy.maxDelayMs) };
}
