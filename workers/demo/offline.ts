// The demo round without the web app, on the engine alone: the same synthetic data, simulated labelers
// and hyperparameters as `npm run demo`, the same measurements. Used to tune the demo and by its
// learning test; the real demo goes through the HTTP API and the worker.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DemoRng } from "../../lib/demo/random.ts";
import { pretrainingCorpus } from "../../lib/demo/synthetic.ts";
import { rankResponses } from "../../lib/demo/labelers.ts";
import type { DemoScenario } from "../../lib/demo/oracles.ts";
import type { TDemoPlan } from "../../lib/demo/config.ts";
import type { TDemoMeasurements } from "../../lib/demo/report.ts";
import { pretrain, sft, rm, ppo, dpo } from "../engine.ts";
import { sampleAnswers } from "./evaluate.ts";
import { measureRound } from "./measure.ts";

export async function runOfflineRound(o: {
  scenario: DemoScenario;
  plan: TDemoPlan;
  seed: number;
  labelTemperature: number;
  outDir?: string;
  log?: (l: string) => void;
}): Promise<{ measurements: TDemoMeasurements; times: Record<string, number> }> {
  const log = o.log ?? (() => {});
  const root = o.outDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "rlhf-demo-"));
  const rng = new DemoRng(o.seed);
  const { task, oracle } = o.scenario;
  const prompts = task.prompts(rng);
  const train = prompts.filter((p) => p.split === "train").map((p) => p.text);
  const evalPrompts = prompts.filter((p) => p.split === "eval").map((p) => p.text);
  const dirs = { base: path.join(root, "base"), sft: path.join(root, "sft"), rm: path.join(root, "rm"), ppo: path.join(root, "ppo"), dpo: path.join(root, "dpo") };
  const times: Record<string, number> = {};
  const timed = async <T>(name: string, f: () => Promise<T>) => {
    const t = Date.now();
    const out = await f();
    times[name] = (Date.now() - t) / 1000;
    log(`${name}: ${times[name].toFixed(1)}s`);
    return out;
  };
  const quiet = () => {};
  const s = o.plan.stages;
  await timed("pretrain", () => pretrain({ data: pretrainingCorpus(task, prompts, rng, o.plan.docsPerPrompt).map((text) => ({ text })), outDir: dirs.base, config: s.pretrain, log: quiet, resume: false }));
  const demos = train.map((p) => ({ prompt: p, completion: task.answer(p, rng) }));
  await timed("sft", () => sft({ data: demos, from: dirs.base, outDir: dirs.sft, config: s.sft, log: quiet, resume: false }));
  const rankPrompts = train.slice(0, o.plan.rankingPrompts);
  const cands = await timed("candidates", () => sampleAnswers(dirs.sft, rankPrompts, { samples: o.plan.responsesPerTask, temperature: 1, maxNewTokens: 64, seed: o.seed + 1000 }));
  const prefs: { prompt: string; chosen: string; rejected: string; group: string }[] = [];
  rankPrompts.forEach((p, i) => {
    const responses = cands.texts[i].map((text, j) => ({ id: String(j), text: text || "(empty answer)" }));
    const groups = rankResponses(responses, (t) => oracle.score(p, t), o.labelTemperature, rng);
    for (let a = 0; a < groups.length; a++)
      for (let b = a + 1; b < groups.length; b++)
        for (const c of groups[a]) for (const r of groups[b]) prefs.push({ prompt: p, chosen: responses[Number(c)].text, rejected: responses[Number(r)].text, group: `g${i}` });
  });
  await timed("rm", () => rm({ data: prefs, from: dirs.sft, outDir: dirs.rm, config: s.rm, log: quiet, resume: false }));
  await timed("ppo", () => ppo({ data: train.map((p) => ({ prompt: p })), from: dirs.sft, reward: dirs.rm, outDir: dirs.ppo, config: s.ppo, log: quiet, resume: false }));
  await timed("dpo", () => dpo({ data: prefs, from: dirs.sft, outDir: dirs.dpo, config: s.dpo, log: quiet, resume: false }));
  const measurements = await timed("evaluation", () =>
    measureRound({ dirs, oracle, prompts: evalPrompts, samples: o.plan.evalSamples, temperature: o.plan.evalTemperature, maxNewTokens: o.plan.evalMaxNewTokens, seed: o.seed, log }),
  );
  return { measurements, times };
}
