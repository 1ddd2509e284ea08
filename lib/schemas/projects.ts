import { z } from "zod";

export const ZTaskKind = z.enum(["DEMONSTRATION", "RANKING", "PAIRWISE"]);

export const ZCreateProjectRequest = z.object({
  name: z.string().trim().min(1, "must not be empty").max(120),
  guidelines: z.string().max(100_000).optional(),
  responsesPerTask: z.number().int().min(2, "must be 2 to 9").max(9, "must be 2 to 9").optional(),
  labelsPerItem: z.number().int().min(1).max(20).optional(),
  taskKinds: z.array(ZTaskKind).min(1).optional(),
  flags: z.array(z.string().trim().min(1).max(40)).max(20).optional(),
});
export type TCreateProjectRequest = z.infer<typeof ZCreateProjectRequest>;
