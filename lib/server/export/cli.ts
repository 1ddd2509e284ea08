import "server-only";
import fs from "node:fs";
import { once } from "node:events";
import { parseArgs } from "node:util";
import { db } from "@/lib/db";
import { ZExportFormat, ZSplitParam, type TSnapshotData } from "@/lib/schemas/labeling";
import { snapshotExportRows } from "@/lib/server/export/snapshot-export-rows";

// `rlhf export --snapshot ID --format sft|sft_messages|preference|prompts [--split train|eval] [--out FILE]`
// Reads DATABASE_URL; writes JSONL to FILE or stdout; the row count goes to stderr.

const USAGE = "usage: rlhf export --snapshot ID --format sft|sft_messages|preference|prompts [--split train|eval] [--out FILE]";

export async function runExportCli(argv: string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { snapshot: { type: "string" }, format: { type: "string" }, split: { type: "string" }, out: { type: "string" }, help: { type: "boolean" } },
    }).values;
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const format = ZExportFormat.safeParse(values.format);
  const split = values.split === undefined ? undefined : ZSplitParam.safeParse(values.split);
  if (!values.snapshot || !format.success || (split && !split.success)) {
    console.error(USAGE);
    return 2;
  }
  const snap = await db.datasetSnapshot.findUnique({ where: { id: values.snapshot }, select: { data: true } });
  if (!snap) {
    console.error(`No snapshot ${values.snapshot}`);
    return 1;
  }
  const out = values.out ? fs.createWriteStream(values.out) : process.stdout;
  let n = 0;
  for (const row of snapshotExportRows(snap.data as unknown as TSnapshotData, format.data, split?.data)) {
    if (!out.write(`${JSON.stringify(row)}\n`)) await once(out, "drain");
    n++;
  }
  if (values.out) {
    (out as fs.WriteStream).end();
    await once(out, "finish");
  }
  console.error(`Wrote ${n} ${format.data} rows${values.out ? ` to ${values.out}` : ""}`);
  return 0;
}
