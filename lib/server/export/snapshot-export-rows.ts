import "server-only";
import type { TExportFormat, TSnapshotData } from "@/lib/schemas/labeling";

/**
 * The JSONL rows of one export format, with exactly the field names TRL / OpenRLHF read:
 * sft {prompt, completion}; sft_messages {messages}; preference {prompt, chosen, rejected, group}; prompts {prompt}.
 */
export function* snapshotExportRows(data: TSnapshotData, format: TExportFormat, split?: "train" | "eval"): Generator<Record<string, unknown>> {
  const keep = (row: { split: string }) => !split || row.split === split;
  if (format === "sft") {
    for (const r of data.sft) if (keep(r)) yield { prompt: r.prompt, completion: r.completion };
  } else if (format === "sft_messages") {
    for (const r of data.sft) {
      if (!keep(r)) continue;
      const turns = r.messages ?? [{ role: "user" as const, content: r.prompt }];
      yield { messages: [...turns, { role: "assistant", content: r.completion }] };
    }
  } else if (format === "preference") {
    for (const r of data.preferences) if (keep(r)) yield { prompt: r.prompt, chosen: r.chosen, rejected: r.rejected, group: r.group };
  } else {
    for (const r of data.prompts) if (keep(r)) yield { prompt: r.prompt };
  }
}
