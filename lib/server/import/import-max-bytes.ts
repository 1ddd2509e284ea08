import "server-only";
import { IMPORT_MAX_BYTES_DEFAULT } from "@/lib/schemas/labeling";

/** The import size limit: IMPORT_MAX_BYTES from the environment, else 100 MB. */
export function importMaxBytes(): number {
  const v = Number(process.env.IMPORT_MAX_BYTES);
  return Number.isFinite(v) && v > 0 ? v : IMPORT_MAX_BYTES_DEFAULT;
}
