// Defaults that learn (issue 12): pretrain then SFT with no step count, on small data made here, train
// until the held-out loss stops improving (or the default budget ends), say why they stopped, and the SFT
// model answers in the demonstrations' format. An explicit maxSteps is trained exactly.
import { describe, it, expect, beforeAll } from "vitest";
import path from "node:path";
import { pretrain } from "../../workers/train/pretrain.ts";
import { sft } from "../../workers/train/sft.ts";
import { rm } from "../../workers/train/rm.ts";
import { earlyStopAfterEval, earlyStoppingOn, totalStepsFor } from "../../workers/train/common.ts";
import { ZSftConfig } from "../../lib/schemas/hyperparameters.ts";
import { loadModel } from "../../workers/checkpoint/index.ts";
import { generate } from "../../workers/model/generate.ts";
import { encodePrompt } from "../../workers/tokenizer/chat.ts";
import { backend, quiet, tempDir } from "./helpers.ts";

beforeAll(backend);

const NAMES = ["Anna", "Ben", "Cleo", "Dan", "Eva", "Finn", "Gus", "Hana", "Ivo", "Jade", "Kai", "Lena"];
const FRUITS = ["apples", "pears", "plums", "figs", "limes", "dates"];
const fruitOf = (i: number, j: number) => FRUITS[(i * 5 + j * 3) % FRUITS.length];
const PLACES = ["park", "shop", "lake", "farm"];

// Short templated sentences; SFT rows "Q: Who likes what? -> A: <name> likes <fruit>."
const corpus: { text: string }[] = [];
NAMES.forEach((n, i) => PLACES.forEach((p, j) => corpus.push({ text: `${n} likes ${fruitOf(i, j)}. ${n} goes to the ${p}.` })));
const sftRows: { prompt: string; completion: string }[] = [];
NAMES.forEach((n, i) => PLACES.forEach((p, j) => sftRows.push({ prompt: `Q: What does ${n} eat at the ${p}?`, completion: `A: ${fruitOf(i, j)}.` })));
// Preferences: the demonstrations' format ("A: <fruit>.") over a bare, unformatted answer.
const prefRows = sftRows.map((r, i) => ({ prompt: r.prompt, chosen: r.completion, rejected: `${FRUITS[i % FRUITS.length]} i think` }));
const heldOut = ["Q: What does Mia eat at the park?", "Q: What does Otto eat at the lake?", "Q: What does Kai eat at the beach?"];

describe("the early-stopping rule", () => {
  it("stops after `patience` evaluations without improvement, never before minSteps", () => {
    const rule = { patience: 2, minSteps: 100 };
    const e = { best: 1e30, bad: 0 };
    expect(earlyStopAfterEval(e, 3.0, 50, rule)).toBe(false);
    expect(earlyStopAfterEval(e, 2.0, 60, rule)).toBe(false);
    expect(e).toEqual({ best: 2.0, bad: 0 });
    expect(earlyStopAfterEval(e, 2.5, 70, rule)).toBe(false);
    expect(earlyStopAfterEval(e, 2.0, 80, rule)).toBe(false); // no improvement (equal), but before minSteps
    expect(e.bad).toBe(2);
    expect(earlyStopAfterEval(e, 2.1, 100, rule)).toBe(true);
    const f = { best: 1e30, bad: 0 };
    for (const [v, s] of [[3, 100], [2.9, 110], [2.8, 120]] as const) expect(earlyStopAfterEval(f, v, s, rule)).toBe(false);
    expect(earlyStopAfterEval(f, 2.8, 130, { patience: 0, minSteps: 0 })).toBe(false); // patience 0 = never
  });

  it("applies only to the default budget: an explicit maxSteps or epochs is trained exactly", () => {
    const d = ZSftConfig.parse({});
    expect(earlyStoppingOn(d)).toBe(true);
    expect(totalStepsFor(d, 100)).toBe(d.budgetSteps);
    expect(earlyStoppingOn(ZSftConfig.parse({ maxSteps: 7 }))).toBe(false);
    expect(totalStepsFor(ZSftConfig.parse({ maxSteps: 7 }), 100)).toBe(7);
    expect(earlyStoppingOn(ZSftConfig.parse({ epochs: 2 }))).toBe(false);
    expect(totalStepsFor(ZSftConfig.parse({ epochs: 2, batchSize: 10 }), 100)).toBe(20);
    expect(earlyStoppingOn(ZSftConfig.parse({ earlyStopping: false }))).toBe(false);
  });
});

describe("defaults that learn", () => {
  const root = tempDir("defaults");
  const dirs = { pt: path.join(root, "pt"), sft: path.join(root, "sft"), exact: path.join(root, "exact") };

  it("pretrain then SFT with no step count stop by themselves and the answers follow the format", async () => {
    const lines: string[] = [];
    const pt = await pretrain({ data: corpus, outDir: dirs.pt, log: (l) => lines.push(l), config: { preset: "tiny" } });
    console.log(`pretrain: ${pt.stopReason} at step ${pt.step}/${pt.totalSteps}, eval/loss ${pt.metrics["eval/loss"]?.toFixed(3)}`);
    expect(["converged", "budget"]).toContain(pt.stopReason);
    expect(pt.status).toBe(pt.stopReason === "converged" ? "early_stopped" : "completed");
    if (pt.stopReason === "budget") expect(pt.step).toBe(pt.totalSteps);
    else expect(pt.step).toBeLessThan(pt.totalSteps);
    expect(lines.some((l) => l.includes(`(${pt.stopReason})`))).toBe(true);

    const st = await sft({ data: sftRows, from: dirs.pt, outDir: dirs.sft, log: quiet });
    console.log(`sft: ${st.stopReason} at step ${st.step}/${st.totalSteps}, eval/loss ${st.metrics["eval/loss"]?.toFixed(3)}`);
    expect(["converged", "budget"]).toContain(st.stopReason);
    expect(st.step).toBeGreaterThanOrEqual(ZSftConfig.parse({}).minSteps);

    const { model, tokenizer } = await loadModel(dirs.sft);
    const prompts = await Promise.all(heldOut.map((q) => encodePrompt(tokenizer, [{ role: "user", content: q }])));
    const out = await generate(model, prompts, { maxNewTokens: 12, temperature: 0, eosId: tokenizer.eosId, padId: tokenizer.padId });
    const texts = await Promise.all(out.tokens.map((t) => tokenizer.decode(t)));
    model.dispose();
    console.log(`sft samples: ${JSON.stringify(texts)}`);
    for (const t of texts) expect(t).toMatch(/^A: [a-z]/);
  }, 150_000);

  it("the reward model with its defaults stops by itself and orders held-out pairs", async () => {
    const r = await rm({ data: prefRows, from: dirs.sft, outDir: path.join(root, "rm"), log: quiet });
    console.log(`rm: ${r.stopReason} at step ${r.step}/${r.totalSteps}, eval/accuracy ${r.metrics["eval/accuracy"]?.toFixed(3)}`);
    expect(["converged", "budget"]).toContain(r.stopReason);
    expect(r.metrics["eval/accuracy"]).toBeGreaterThan(0.8);
  }, 120_000);

  it("an explicit maxSteps is trained exactly (reason budget)", async () => {
    const r = await sft({ data: sftRows, from: dirs.pt, outDir: dirs.exact, log: quiet, config: { maxSteps: 13 } });
    expect(r.stopReason).toBe("budget");
    expect(r.status).toBe("completed");
    expect(r.step).toBe(13);
    expect(r.totalSteps).toBe(13);
  }, 60_000);
});
