/**
 * Whether a win rate's 95% interval is too wide to decide: no games yet, or it contains 50% (the version
 * may be as good as its opponent, better or worse). One eval prompt and one vote give 21-100%: undecided.
 */
export function isUndecided(interval: { low: number; high: number } | null): boolean {
  return !interval || (interval.low <= 0.5 && interval.high >= 0.5);
}
