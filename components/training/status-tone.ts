/** Badge colour of a run, stage or version status. */
export function statusTone(s: string): "green" | "red" | "blue" | "amber" | "default" {
  if (s === "SUCCEEDED" || s === "PRODUCTION" || s === "APPROVED") return "green";
  if (s === "FAILED" || s === "REJECTED") return "red";
  if (s === "RUNNING") return "blue";
  if (s === "CANCELLED" || s === "ARCHIVED") return "amber";
  return "default";
}
