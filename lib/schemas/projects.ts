import { z } from "zod";

export const ZTaskKind = z.enum(["DEMONSTRATION", "RANKING", "PAIRWISE"]);
export type TTaskKind = z.infer<typeof ZTaskKind>;

const noNul = (s: string) => !s.includes("\u0000");
const ZText = (max: number) => z.string().max(max).refine(noNul, "must not contain NUL characters");

// Every setting of a project, with the range the UI and the API both enforce. The New project form
// (POST /api/v1/projects) and the Settings page (PATCH /api/v1/projects/{id}) send these fields.
export const ZProjectSettings = z.object({
  name: ZText(120).pipe(z.string().trim().min(1, "must not be empty")),
  /** Markdown shown beside every task. */
  guidelines: ZText(100_000),
  /** K: answers shown in a ranking task. */
  responsesPerTask: z.number().int().min(2, "must be 2 to 9").max(9, "must be 2 to 9"),
  /** Labels wanted per item (redundancy). */
  labelsPerItem: z.number().int().min(1, "must be 1 to 20").max(20, "must be 1 to 20"),
  taskKinds: z.array(ZTaskKind).min(1, "choose at least one task kind").refine((k) => new Set(k).size === k.length, "lists a task kind twice"),
  /** Flag names labelers may set on a response. */
  flags: z.array(ZText(40).pipe(z.string().trim().min(1, "must not be empty"))).max(20).refine((f) => new Set(f).size === f.length, "lists a flag twice"),
  /** Minutes a claimed task stays leased to its labeler. */
  leaseMinutes: z.number().int().min(1, "must be 1 to 1440").max(1440, "must be 1 to 1440"),
  /** Labels need review before training: new labels wait for a reviewer instead of being accepted. */
  reviewRequired: z.boolean(),
});
export type TProjectSettings = z.infer<typeof ZProjectSettings>;

export const ZCreateProjectRequest = ZProjectSettings.partial().required({ name: true }).strict();
export type TCreateProjectRequest = z.infer<typeof ZCreateProjectRequest>;

export const ZUpdateProjectRequest = ZProjectSettings.partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: "change at least one setting" });
export type TUpdateProjectRequest = z.infer<typeof ZUpdateProjectRequest>;

/** What a settings change does to the project's open tasks, said before it is saved. */
export const ZSettingsImpact = z.object({
  /** One sentence per consequence, for the confirm dialog. */
  messages: z.array(z.string()),
  /** Open tasks that will be closed because their kind is removed. */
  closedTasks: z.number().int(),
  /** Open tasks that keep their old K / labels-per-item target. */
  keptTasks: z.number().int(),
});
export type TSettingsImpact = z.infer<typeof ZSettingsImpact>;
