import "server-only";
import { z, ZodError, type ZodType } from "zod";
import type { Role } from "@/lib/db";
import { assertRole, getSessionUser, type TSessionUser } from "@/lib/auth";
import { AppError, isAppError } from "@/lib/errors";
import { findUnstorableJson } from "@/lib/server/input/find-unstorable-json";

// Server actions: thin, typed, authenticated. Expected errors (AppError, invalid input) come back as
// { ok: false, error } for the form to show; anything else is logged and shown as a generic failure.
export type TActionResult<T> = { ok: true; data: T } | { ok: false; error: string; fieldErrors?: Record<string, string> };

export function authAction<TInput, TOutput>(
  schema: ZodType<TInput>,
  fn: (args: { user: TSessionUser; input: TInput }) => Promise<TOutput>,
  options: { role?: Role } = {},
) {
  return async (raw: unknown): Promise<TActionResult<TOutput>> => {
    try {
      const user = await getSessionUser();
      assertRole(user, options.role);
      const fields = raw instanceof FormData ? Object.fromEntries(raw.entries()) : raw;
      // Text PostgreSQL cannot store (NUL) is a field error here, as in the API's body reader.
      const unstorable = findUnstorableJson(fields);
      if (unstorable) throw new AppError("INVALID_INPUT", `${unstorable.path}: ${unstorable.message}`);
      const input = schema.parse(fields);
      return { ok: true, data: await fn({ user, input }) };
    } catch (err) {
      if (isAppError(err)) return { ok: false, error: err.message };
      if (err instanceof ZodError) {
        const fieldErrors = Object.fromEntries(err.issues.map((i) => [i.path.join(".") || "form", i.message]));
        return { ok: false, error: err.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; "), fieldErrors };
      }
      console.error("[action] unexpected error", err);
      return { ok: false, error: "Something went wrong. Try again." };
    }
  };
}

export { z };
