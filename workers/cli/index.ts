// The engine's command line (bin/rlhf.mjs dispatches `train` and `generate` here):
//
//   rlhf train pretrain|sft|rm|ppo|dpo --data FILE.jsonl [--from DIR] [--reward DIR] --out DIR
//        [--preset tiny|small|gpt2-124m] [--set key=value ...] [--json]
//   rlhf generate --model DIR --prompt "..." [--max-tokens N --temperature T --top-k K --top-p P --seed S]
//
// A progress bar with live metrics on a TTY, plain lines otherwise; with --json the final metrics are
// one JSON object on stdout and everything else goes to stderr. Returns the exit code.
import { DataError, readJsonl, type DataKind } from "../data/index.ts";
import { isPresetName, PRESETS } from "../model/config.ts";
import { STAGES, type StageName, generateText } from "../engine.ts";
import { formatHyperIssues, hyperparameterFields, parseStageHyperparameters } from "../../lib/schemas/hyperparameters.ts";

const USAGE = `usage:
  rlhf train pretrain|sft|rm|ppo|dpo --data FILE.jsonl [--from DIR] [--reward DIR] --out DIR
             [--preset tiny|small|gpt2-124m] [--set key=value ...] [--json]
  rlhf train STAGE --help      (the stage's hyperparameters: default, range, source)
  rlhf generate --model DIR --prompt "..." [--max-tokens N] [--temperature T] [--top-k K] [--top-p P] [--seed S]`;

const DATA_KIND: Record<StageName, DataKind> = { pretrain: "pretrain", sft: "sft", rm: "preferences", dpo: "preferences", ppo: "prompts" };

class UsageError extends Error {}

interface Parsed {
  flags: Map<string, string | true>;
  sets: [string, string][];
  positional: string[];
}

function parseArgs(argv: string[], valued: string[], booleans: string[]): Parsed {
  const flags = new Map<string, string | true>();
  const sets: [string, string][] = [];
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    const inline = eq > 0 ? a.slice(eq + 1) : undefined;
    if (booleans.includes(name)) {
      flags.set(name, true);
      continue;
    }
    if (!valued.includes(name) && name !== "set") throw new UsageError(`unknown option --${name}`);
    const v = inline ?? argv[++i];
    if (v === undefined) throw new UsageError(`option --${name} needs a value`);
    if (name === "set") {
      const k = v.indexOf("=");
      if (k <= 0) throw new UsageError(`--set expects key=value, got '${v}'`);
      sets.push([v.slice(0, k), v.slice(k + 1)]);
    } else flags.set(name, v);
  }
  return { flags, sets, positional };
}

/** "3" -> 3, "true" -> true, "k1" -> "k1". */
function parseValue(v: string): unknown {
  if (v === "true") return true;
  if (v === "false") return false;
  if (v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return v;
}

function num(p: Parsed, name: string): number | undefined {
  const v = p.flags.get(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== "string" || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got '${String(v)}'`);
  return n;
}

function str(p: Parsed, name: string): string | undefined {
  const v = p.flags.get(name);
  return typeof v === "string" ? v : undefined;
}

function fmt(m: Record<string, number>): string {
  const keys = Object.keys(m).filter((k) => !k.startsWith("charts/") && k !== "lr" && k !== "grad_norm").slice(0, 5);
  const tps = m["charts/tokens_per_s"];
  return [...keys.map((k) => `${k}=${Number(m[k].toPrecision(4))}`), ...(tps ? [`tok/s=${Math.round(tps)}`] : [])].join(" ");
}

async function train(argv: string[]): Promise<number> {
  const p = parseArgs(argv, ["data", "from", "reward", "out", "preset"], ["json", "help"]);
  const stage = p.positional[0] as StageName | undefined;
  if (!stage || !(stage in STAGES)) throw new UsageError(`train needs a stage: ${Object.keys(STAGES).join("|")}`);
  if (p.flags.has("help")) {
    // The stage's hyperparameters (--set key=value), from the schema the engine parses with.
    process.stdout.write(`rlhf train ${stage} --set key=value:\n${hyperparameterFields(stage).map((f) => `  ${f.key}  ${f.description}`).join("\n")}\n`);
    return 0;
  }
  if (p.positional.length > 1) throw new UsageError(`unexpected argument '${p.positional[1]}'`);
  const data = str(p, "data");
  const out = str(p, "out");
  if (!data) throw new UsageError("train needs --data FILE.jsonl");
  if (!out) throw new UsageError("train needs --out DIR");
  const json = p.flags.has("json");
  const config: Record<string, unknown> = {};
  const preset = str(p, "preset");
  if (preset !== undefined) {
    if (!isPresetName(preset)) throw new UsageError(`--preset must be one of ${Object.keys(PRESETS).join(", ")}`);
    config.preset = preset;
  }
  for (const [k, v] of p.sets) config[k] = parseValue(v);
  // The engine parses with the same schema; checking here answers before the data is read (exit 2).
  const checked = parseStageHyperparameters(stage, config, (k) => (k === "preset" && preset !== undefined ? "--preset" : `--set ${k}`));
  if (!checked.ok) throw new UsageError(formatHyperIssues(checked.issues));
  const records = readJsonl(data, DATA_KIND[stage]);

  const tty = !json && process.stderr.isTTY;
  const err = (l: string) => process.stderr.write(`${tty ? "\r\x1b[K" : ""}${l}\n`);
  let last: Record<string, number> = {};
  const t0 = Date.now();
  const result = await STAGES[stage]({
    config,
    data: records,
    from: str(p, "from"),
    reward: str(p, "reward"),
    outDir: out,
    log: err,
    sink: { log: (_s, m) => void (last = { ...last, ...m }) },
    onProgress: (step, total) => {
      if (tty) {
        const w = 24;
        const done = Math.round((w * step) / total);
        process.stderr.write(`\r\x1b[K${stage} [${"#".repeat(done)}${".".repeat(w - done)}] ${step}/${total} ${fmt(last)}`);
      } else if (step === total || step % Math.max(1, Math.round(total / 20)) === 0) {
        process.stderr.write(`${stage} step ${step}/${total} ${fmt(last)}\n`);
      }
    },
  });
  if (tty) process.stderr.write("\n");
  const summary = { stage, status: result.status, stopReason: result.stopReason, step: result.step, totalSteps: result.totalSteps, modelDir: result.modelDir, seconds: (Date.now() - t0) / 1000, metrics: result.metrics };
  if (json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else process.stderr.write(`${stage} ${result.status} (${result.stopReason}) after ${result.step} steps: model in ${result.modelDir}\n${fmt(result.metrics)}\n`);
  return result.status === "cancelled" ? 130 : 0;
}

async function generateCmd(argv: string[]): Promise<number> {
  const p = parseArgs(argv, ["model", "prompt", "max-tokens", "temperature", "top-k", "top-p", "seed"], ["json"]);
  if (p.positional.length) throw new UsageError(`unexpected argument '${p.positional[0]}'`);
  const model = str(p, "model");
  const prompt = str(p, "prompt");
  if (!model) throw new UsageError("generate needs --model DIR");
  if (prompt === undefined) throw new UsageError('generate needs --prompt "..."');
  const text = await generateText({
    modelDir: model,
    prompt,
    maxNewTokens: num(p, "max-tokens"),
    temperature: num(p, "temperature"),
    topK: num(p, "top-k"),
    topP: num(p, "top-p"),
    seed: num(p, "seed"),
    log: (l) => process.stderr.write(`${l}\n`),
  });
  if (p.flags.has("json")) process.stdout.write(`${JSON.stringify({ completion: text })}\n`);
  else process.stdout.write(`${text}\n`);
  return 0;
}

/** Entry: argv after `rlhf` (e.g. ["train", "sft", "--data", ...]). Returns the exit code. */
export async function runEngineCli(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === "train") return await train(rest);
    if (cmd === "generate") return await generateCmd(rest);
    if (cmd === "--help" || cmd === "-h" || cmd === "help") {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    throw new UsageError(cmd ? `unknown command '${cmd}'` : "missing command");
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`rlhf: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    if (e instanceof DataError) {
      process.stderr.write(`rlhf: bad data: ${e.message}\n`);
      return 1;
    }
    process.stderr.write(`rlhf: ${(e as Error).message}\n`);
    return 1;
  }
}
