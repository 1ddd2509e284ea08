// One schema per stage: every field documents its default, range and source; the engine, the CLI and the
// API refuse the same keys with the same message; an error says by its code whether a retry can help.
import { describe, expect, it, vi, afterEach } from "vitest";
import path from "node:path";
import { HYPER_STAGES, STAGE_HYPERPARAMETERS, hyperparameterFields, validateRunConfig } from "../../lib/schemas/hyperparameters.ts";
import { PPO_DEFAULTS, PRETRAIN_DEFAULTS, pretrain, sft } from "../../workers/engine.ts";
import { EngineError, isRetryable } from "../../workers/errors.ts";
import { DataError } from "../../workers/data/index.ts";
import { startStageThread } from "../../workers/thread/stage-thread.ts";
import { runEngineCli } from "../../workers/cli/index.ts";
import { quiet, tempDir } from "./helpers.ts";

const F = "tests/fixtures/engine";
const out = tempDir("hyper");

afterEach(() => vi.restoreAllMocks());

describe("stage hyperparameter schemas", () => {
  it("every field of every stage has a description with its default, range and source", () => {
    for (const stage of HYPER_STAGES) {
      const fields = hyperparameterFields(stage);
      expect(fields.length).toBeGreaterThan(15);
      for (const f of fields) {
        expect(f.description, `${stage}.${f.key}`).toMatch(/^\S.+\. Default \S+; range (\[|\(|one of |true or false).*\. Source: .+\.$/);
        expect(f.description, `${stage}.${f.key}`).toContain(`Default ${String(f.default)};`);
      }
    }
  });

  it("the engine's defaults are the schemas' defaults, and stage-specific keys belong to their stage only", () => {
    expect(PRETRAIN_DEFAULTS).toEqual(STAGE_HYPERPARAMETERS.pretrain.parse({}));
    expect(PPO_DEFAULTS).toEqual(STAGE_HYPERPARAMETERS.ppo.parse({}));
    expect(PPO_DEFAULTS.klCoef).toBe(0.05);
    expect(Object.keys(STAGE_HYPERPARAMETERS.sft.shape)).not.toContain("klCoef");
    expect(validateRunConfig(["sft", "dpo"], { beta: 0.2 })).toEqual([{ path: "config.beta", message: "unknown hyperparameter (stage sft)", stage: "sft" }]);
    expect(validateRunConfig(["sft", "dpo"], { dpo: { beta: 0.2 }, maxSteps: 5 })).toEqual([]);
  });

  it("a stage called with an unknown or out-of-range key fails before training with a non-retryable EngineError", async () => {
    const err = await pretrain({ data: [{ text: "a b" }], outDir: path.join(out, "p"), log: quiet, config: { nonsense: 1 } as never }).catch((e) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect(err).toMatchObject({ code: "INVALID_CONFIG", retryable: false, message: "config.nonsense: unknown hyperparameter (stage pretrain)" });
    const lr = await sft({ data: [], from: "nowhere", outDir: path.join(out, "s"), log: quiet, config: { lr: 0 } }).catch((e) => e);
    expect(lr).toMatchObject({ code: "INVALID_CONFIG", message: "config.lr: must be greater than 0 (stage sft)" });
  });
});

describe("retry classification", () => {
  it("bad config, missing data or models are not retried; unexpected failures are", () => {
    expect(isRetryable(new EngineError("INVALID_CONFIG", "x"))).toBe(false);
    expect(isRetryable(new EngineError("NO_DATA", "x"))).toBe(false);
    expect(isRetryable(new EngineError("NO_MODEL", "x"))).toBe(false);
    expect(isRetryable(new EngineError("NO_MODEL", "model files missing", true))).toBe(true);
    expect(isRetryable(new DataError("line 1: bad"))).toBe(false);
    expect(isRetryable(new Error("ECONNRESET while writing metrics"))).toBe(true);
    // the text no longer decides: a passing failure whose message mentions "config: " is still retried
    expect(isRetryable(new Error("lost connection to the database (config: pool)"))).toBe(true);
    expect(isRetryable(new EngineError("NON_FINITE", "x", true))).toBe(true);
  });

  it("an EngineError raised in the training thread keeps its code and retryable flag", async () => {
    const t = startStageThread("sft", { config: { ppoEpochs: 2 }, data: [], from: "nowhere", outDir: path.join(out, "t"), log: quiet });
    const err = await t.result.catch((e) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect(err).toMatchObject({ code: "INVALID_CONFIG", retryable: false, message: "config.ppoEpochs: unknown hyperparameter (stage sft)" });
  });
});

describe("rlhf train --set", () => {
  async function run(argv: string[]) {
    let stderr = "";
    vi.spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
    vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const code = await runEngineCli(argv);
    vi.restoreAllMocks();
    return { code, stderr };
  }

  it("refuses an unknown key or a value out of range with the schema's message, before reading the data", async () => {
    const a = await run(["train", "sft", "--data", "missing.jsonl", "--out", path.join(out, "c1"), "--set", "klCoef=0.1"]);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain("rlhf: --set klCoef: unknown hyperparameter (stage sft)");
    const b = await run(["train", "ppo", "--data", `${F}/prompts.jsonl`, "--out", path.join(out, "c2"), "--set", "klCoef=11", "--set", "klEstimator=k2"]);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain("--set klCoef: must be at most 10 (stage ppo); --set klEstimator: must be one of k1, k3 (stage ppo)");
    const c = await run(["train", "pretrain", "--data", `${F}/corpus.jsonl`, "--out", path.join(out, "c3"), "--set", "batchSize=fast"]);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain("--set batchSize: must be an integer (stage pretrain)");
  });

  it("lists a stage's hyperparameters with their defaults, ranges and sources", async () => {
    let stdout = "";
    vi.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => ((stdout += String(s)), true));
    const code = await runEngineCli(["train", "dpo", "--help"]);
    vi.restoreAllMocks();
    expect(code).toBe(0);
    expect(stdout).toContain("  beta  Strength of the implicit KL constraint. Default 0.1; range (0, 10]. Source: Rafailov et al. 2023; TRL DPOConfig beta 0.1.");
    expect(stdout).toContain("  lr  Peak learning rate. Default 0.0001;");
  });
});
