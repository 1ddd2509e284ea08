// The engine CLI trains every stage on the fixtures with the tiny preset, and fails clearly.
import { describe, it, expect, vi, afterEach } from "vitest";
import path from "node:path";
import fs from "node:fs";
import { runEngineCli } from "../../workers/cli/index.ts";
import { tempDir } from "./helpers.ts";

const F = "tests/fixtures/engine";
const out = tempDir("cli");

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const o = vi.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => ((stdout += String(s)), true));
  const e = vi.spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
  const logSpy = vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void (stderr += `${a.join(" ")}\n`));
  try {
    const code = await runEngineCli(argv);
    return { code, stdout, stderr };
  } finally {
    o.mockRestore();
    e.mockRestore();
    logSpy.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe("rlhf train / generate", () => {
  it("trains every stage on the fixtures with --json output", async () => {
    const d = (n: string) => path.join(out, n);
    const stages: [string, string[]][] = [
      ["pretrain", ["--data", `${F}/corpus.jsonl`, "--out", d("pt"), "--preset", "tiny", "--set", "maxSteps=20"]],
      ["sft", ["--data", `${F}/sft.jsonl`, "--from", d("pt"), "--out", d("sft"), "--set", "maxSteps=10"]],
      ["rm", ["--data", `${F}/preferences.jsonl`, "--from", d("sft"), "--out", d("rm"), "--set", "maxSteps=6"]],
      ["dpo", ["--data", `${F}/preferences.jsonl`, "--from", d("sft"), "--out", d("dpo"), "--set", "maxSteps=6"]],
      ["ppo", ["--data", `${F}/prompts.jsonl`, "--from", d("sft"), "--reward", d("rm"), "--out", d("ppo"), "--set", "maxSteps=2", "--set", "batchSize=4"]],
    ];
    for (const [stage, args] of stages) {
      const r = await run(["train", stage, ...args, "--json"]);
      expect(r.code, r.stderr).toBe(0);
      const lines = r.stdout.trim().split("\n");
      expect(lines).toHaveLength(1);
      const summary = JSON.parse(lines[0]);
      expect(summary).toMatchObject({ stage, status: "completed" });
      expect(Object.keys(summary.metrics).length).toBeGreaterThan(3);
      expect(fs.existsSync(path.join(summary.modelDir, "model.safetensors"))).toBe(true);
    }
    const g = await run(["generate", "--model", d("ppo"), "--prompt", "Say hello to Anna.", "--max-tokens", "8", "--seed", "1", "--temperature", "0.8"]);
    expect(g.code, g.stderr).toBe(0);
    const again = await run(["generate", "--model", d("ppo"), "--prompt", "Say hello to Anna.", "--max-tokens", "8", "--seed", "1", "--temperature", "0.8"]);
    expect(again.stdout).toBe(g.stdout);
  });

  it("rejects bad arguments and bad data with a clear message and a non-zero code", async () => {
    const a = await run(["train", "nope"]);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain("train needs a stage");
    const b = await run(["train", "sft", "--data", `${F}/sft.jsonl`]);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain("--out");
    const c = await run(["train", "sft", "--data", `${F}/corpus.jsonl`, "--from", "x", "--out", path.join(out, "bad")]);
    expect(c.code).toBe(1);
    expect(c.stderr).toContain("corpus.jsonl line 1");
    const d = await run(["train", "pretrain", "--data", `${F}/corpus.jsonl`, "--out", path.join(out, "bad2"), "--set", "nonsense=1"]);
    expect(d.code).toBe(2);
    expect(d.stderr).toContain("--set nonsense: unknown hyperparameter (stage pretrain)");
    const e = await run(["generate", "--model", path.join(out, "missing"), "--prompt", "hi"]);
    expect(e.code).toBe(1);
    expect(e.stderr).toContain("not a model directory");
    const f = await run(["train", "pretrain", "--data", `${F}/corpus.jsonl`, "--out", path.join(out, "bad3"), "--wat"]);
    expect(f.code).toBe(2);
    expect(f.stderr).toContain("unknown option --wat");
  });
});
