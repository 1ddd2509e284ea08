import { z } from "zod";

// The environment, validated once; a wrong or missing variable is named in the error.
const ZEnv = z.object({
  DATABASE_URL: z.string().url("DATABASE_URL must be a postgresql:// URL"),
  NEXTAUTH_SECRET: z.string().min(16, "NEXTAUTH_SECRET must be at least 16 characters").optional(),
  NEXTAUTH_URL: z.string().url().optional(),
  ARTIFACTS_DIR: z.string().optional(),
  GITHUB_ID: z.string().optional(),
  GITHUB_SECRET: z.string().optional(),
  OIDC_ISSUER: z.string().url().optional(),
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
  OIDC_NAME: z.string().optional(),
  LOGIN_MAX_FAILURES: z.coerce.number().int().positive().default(5),
  LOGIN_WINDOW_MINUTES: z.coerce.number().positive().default(15),
  IMPORT_MAX_BYTES: z.coerce.number().int().positive().optional(),
  // Each streaming playground answer holds a PostgreSQL connection here (LISTEN) and one in the worker.
  PLAYGROUND_MAX_STREAMS: z.coerce.number().int().positive().default(16),
  PLAYGROUND_MAX_STREAMS_PER_USER: z.coerce.number().int().positive().default(2),
});
export type TEnv = z.infer<typeof ZEnv>;

let cached: TEnv | undefined;

export function env(): TEnv {
  if (cached) return cached;
  const parsed = ZEnv.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid environment: ${problems}`);
  }
  cached = parsed.data;
  return cached;
}
