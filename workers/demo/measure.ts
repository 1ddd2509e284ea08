// The demo's measurements of one round against the hidden oracle: every model answers the held-out
// prompts; the oracle scores the answers (gold), the reward model scores them too (proxy); win rates of
// each model against SFT and the base model on paired samples; the reward model's accuracy on
// oracle-ordered pairs of SFT answers; KL of each policy from SFT on its own samples.
import type { Oracle } from "../../lib/demo/oracles.ts";
import { allPairs, mean, pairAccuracy, winRate } from "../../lib/demo/metrics.ts";
import type { TDemoModelResult, TDemoMeasurements } from "../../lib/demo/report.ts";
import { klToReference, rewardScores, sampleAnswers, type Samples } from "./evaluate.ts";

export interface MeasureOptions {
  /** Model directories; `sft` and `rm` are required. */
  dirs: { base?: string; sft: string; rm: string; ppo?: string; dpo?: string };
  oracle: Oracle;
  /** Held-out prompts. */
  prompts: string[];
  /** Answers per prompt and model. */
  samples: number;
  temperature: number;
  maxNewTokens: number;
  seed: number;
  log?: (line: string) => void;
}

export async function measureRound(o: MeasureOptions): Promise<TDemoMeasurements> {
  const log = o.log ?? (() => {});
  const names = (["base", "sft", "ppo", "dpo"] as const).filter((n) => o.dirs[n]);
  const samples: Partial<Record<(typeof names)[number], Samples>> = {};
  const gold: Partial<Record<string, number[]>> = {};
  const proxy: Partial<Record<string, number[]>> = {};
  const started = Date.now();
  for (const name of names) {
    // The same seed for every model: sample j of each model is drawn with the same random numbers.
    const s = await sampleAnswers(o.dirs[name]!, o.prompts, { samples: o.samples, temperature: o.temperature, maxNewTokens: o.maxNewTokens, seed: o.seed });
    samples[name] = s;
    const items = o.prompts.flatMap((p, i) => s.texts[i].map((answer) => ({ prompt: p, answer })));
    gold[name] = items.map((it) => o.oracle.score(it.prompt, it.answer));
    proxy[name] = await rewardScores(o.dirs.rm, items);
    log(`evaluated ${name}: ${items.length} answers, oracle ${mean(gold[name]!).toFixed(3)}, reward model ${mean(proxy[name]!).toFixed(3)}`);
  }

  // Reward model vs oracle on every pair of SFT answers to the same held-out prompt.
  const sft = samples.sft!;
  const pairs = o.prompts.flatMap((_, p) =>
    allPairs(o.samples).map(([a, b]) => ({
      gold: [gold.sft![p * o.samples + a], gold.sft![p * o.samples + b]] as [number, number],
      reward: [proxy.sft![p * o.samples + a], proxy.sft![p * o.samples + b]] as [number, number],
      same: sft.texts[p][a] === sft.texts[p][b],
    })),
  );
  const rmAcc = pairAccuracy(pairs.filter((x) => !x.same));

  const models: TDemoModelResult[] = [];
  for (const name of names) {
    const kl = (name === "ppo" || name === "dpo") ? await klToReference(o.dirs[name]!, o.dirs.sft, o.prompts, samples[name]!, o.temperature) : name === "sft" ? 0 : null;
    models.push({
      name,
      oracle: mean(gold[name]!),
      reward: mean(proxy[name]!),
      winVsSft: winRate(gold[name]!, gold.sft!),
      winVsBase: gold.base ? winRate(gold[name]!, gold.base) : null,
      kl,
      examples: o.prompts.slice(0, 3).map((p, i) => ({ prompt: p, answer: samples[name]!.texts[i][0], oracle: gold[name]![i * o.samples] })),
    });
  }
  return {
    prompts: o.prompts.length,
    samplesPerPrompt: o.samples,
    temperature: o.temperature,
    rm: { accuracy: rmAcc.accuracy, pairs: rmAcc.pairs },
    models,
    seconds: (Date.now() - started) / 1000,
  };
}
