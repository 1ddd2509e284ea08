import parser from "cron-parser";

/** Throws a readable error for an invalid 5-field (or 6-field, with seconds) cron expression. */
export function assertCron(expr: string): void {
  try {
    parser.parseExpression(expr, { utc: true });
  } catch (err) {
    throw new Error(`invalid cron expression '${expr}': ${(err as Error).message}`);
  }
}

/** The latest slot of `expr` at or before `now` (UTC). */
export function previousCronSlot(expr: string, now: Date): Date {
  const it = parser.parseExpression(expr, { currentDate: new Date(now.getTime() + 1), utc: true });
  return it.prev().toDate();
}

/** Whether a slot of `expr` fell after `since` and at or before `now`. */
export function cronDue(expr: string, since: Date, now: Date): boolean {
  return previousCronSlot(expr, now).getTime() > since.getTime();
}
