import "server-only";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { db } from "@/lib/db";
import { isAppError } from "@/lib/errors";
import { ZImportFormat, ZImportMode } from "@/lib/schemas/labeling";
import { importPrompts } from "@/lib/server/import/import-prompts";

// `rlhf import --project ID FILE [--mode partial|all_or_nothing] [--format jsonl|csv] [--as EMAIL]`
// Reads DATABASE_URL; the import is recorded as the first admin's, or the user named by --as.
// Prints the result as JSON; exit code 0 when something was imported or nothing was wrong, 1 otherwise.

const USAGE = "usage: rlhf import --project ID FILE [--mode partial|all_or_nothing] [--format jsonl|csv] [--as EMAIL]";

export async function runImportCli(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { project: { type: "string" }, mode: { type: "string" }, format: { type: "string" }, as: { type: "string" }, help: { type: "boolean" } },
    });
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = args;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const file = positionals.filter((p) => p !== "import")[0];
  if (!values.project || !file) {
    console.error(USAGE);
    return 2;
  }
  const mode = ZImportMode.safeParse(values.mode ?? "partial");
  const format = ZImportFormat.safeParse(values.format ?? (/\.csv$/i.test(file) ? "csv" : "jsonl"));
  if (!mode.success || !format.success) {
    console.error(`--mode must be partial or all_or_nothing and --format jsonl or csv\n${USAGE}`);
    return 2;
  }
  if (!fs.existsSync(file)) {
    console.error(`No such file: ${file}`);
    return 2;
  }
  const user = values.as
    ? await db.user.findUnique({ where: { email: values.as.toLowerCase() }, select: { id: true, active: true } })
    : await db.user.findFirst({ where: { role: "ADMIN", active: true }, orderBy: { createdAt: "asc" }, select: { id: true, active: true } });
  if (!user || !user.active) {
    console.error(values.as ? `No active user ${values.as}` : "No active admin yet: create one first (or pass --as EMAIL)");
    return 2;
  }
  try {
    const result = await importPrompts({
      projectId: values.project,
      createdById: user.id,
      fileName: path.basename(file),
      mode: mode.data,
      format: format.data,
      source: fs.createReadStream(file),
    });
    console.log(JSON.stringify(result, null, 2));
    return result.imported > 0 || (result.rejected.length === 0) ? 0 : 1;
  } catch (err) {
    console.error(isAppError(err) ? err.message : err);
    return 1;
  }
}
