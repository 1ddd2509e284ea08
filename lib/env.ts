import { isIP } from "node:net";
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
  // Sign-in throttle: after LOGIN_MAX_FAILURES failed sign-ins for an account (x4 from one address) within the
  // window, each further try waits a delay that doubles per failure, from 1 s up to LOGIN_DELAY_MAX_SECONDS.
  LOGIN_MAX_FAILURES: z.coerce.number().int().positive().default(5),
  LOGIN_WINDOW_MINUTES: z.coerce.number().positive().default(15),
  LOGIN_DELAY_MAX_SECONDS: z.coerce.number().int().positive().default(60),
  // Reverse proxies whose X-Forwarded-For is believed (addresses or CIDRs, comma-separated); none by default.
  TRUSTED_PROXIES: z
    .string()
    .optional()
    .transform((v, ctx) => parseTrustedProxies(v ?? "", ctx)),
  IMPORT_MAX_BYTES: z.coerce.number().int().positive().optional(),
  // Each streaming playground answer holds a PostgreSQL connection here (LISTEN) and one in the worker.
  PLAYGROUND_MAX_STREAMS: z.coerce.number().int().positive().default(16),
  PLAYGROUND_MAX_STREAMS_PER_USER: z.coerce.number().int().positive().default(2),
});
function parseTrustedProxies(list: string, ctx: z.RefinementCtx): string[] {
  const entries = list.split(",").map((e) => e.trim()).filter(Boolean);
  for (const entry of entries) {
    const [address, bits, extra] = entry.split("/");
    const family = isIP(address);
    const maxBits = family === 6 ? 128 : 32;
    if (!family || extra !== undefined || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= maxBits))) {
      ctx.addIssue({ code: "custom", message: `"${entry}" is not an IP address or CIDR (e.g. 10.0.0.0/8, ::1)` });
    }
  }
  return entries;
}

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
