"use server";
import { ZSetupRequest } from "@/lib/schemas/accounts";
import { createFirstAdmin } from "@/lib/server/users/create-first-admin";
import { AppError, isAppError } from "@/lib/errors";
import { findUnstorableJson } from "@/lib/server/input/find-unstorable-json";
import { ZodError } from "zod";

// Public by design, but only while no user exists (createFirstAdmin checks under a lock).
export async function setupAdmin(_prev: unknown, form: FormData): Promise<{ ok: boolean; error?: string }> {
  try {
    const fields = Object.fromEntries(form.entries());
    const unstorable = findUnstorableJson(fields);
    if (unstorable) throw new AppError("INVALID_INPUT", `${unstorable.path}: ${unstorable.message}`);
    const input = ZSetupRequest.parse(fields);
    if (input.password !== form.get("confirm")) throw new AppError("INVALID_INPUT", "The passwords do not match");
    await createFirstAdmin(input);
    return { ok: true };
  } catch (err) {
    if (isAppError(err)) return { ok: false, error: err.message };
    if (err instanceof ZodError) return { ok: false, error: err.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join("; ") };
    throw err;
  }
}
