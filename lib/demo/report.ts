// The demo's report: one object (printed as JSON with --json) and its text form.

export type TDemoModelName = "base" | "sft" | "ppo" | "dpo";

export interface TDemoModelResult {
  name: TDemoModelName;
  /** Mean oracle (gold) score of its answers on the held-out prompts. */
  oracle: number;
  /** Mean reward-model (proxy) score of the same answers. */
  reward: number;
  /** Oracle win rate against SFT / the base model on paired samples (ties count 1/2). */
  winVsSft: number;
  winVsBase: number | null;
  /** KL from SFT in nats per answer (on its own samples); 0 for SFT, null for the base model. */
  kl: number | null;
  examples: { prompt: string; answer: string; oracle: number }[];
}

export interface TDemoMeasurements {
  prompts: number;
  samplesPerPrompt: number;
  temperature: number;
  /** Reward model against the oracle on held-out pairs of SFT answers (0.5 = chance). */
  rm: { accuracy: number; pairs: number };
  models: TDemoModelResult[];
  seconds: number;
}

export interface TDemoReport {
  oracle: { name: string; describe: string };
  seed: number;
  labelTemperature: number;
  reduced: boolean;
  projectId: string;
  projectUrl: string;
  labels: { demonstrations: number; rankings: number; labelers: number };
  /** Seconds per stage: labeling, each training stage (from the run), evaluation. */
  times: Record<string, number>;
  runs: { id: string; stages: string[]; status: string }[];
  versions: Record<string, string>;
  measurements: TDemoMeasurements;
  /** The improvement the demo promises: PPO's oracle win rate against SFT > 0.5 and RM accuracy > 0.5. */
  passed: boolean;
  totalSeconds: number;
}

const pct = (x: number | null) => (x === null || Number.isNaN(x) ? "   -  " : `${(100 * x).toFixed(1).padStart(5)}%`);
const num = (x: number | null, d = 2) => (x === null || Number.isNaN(x) ? "-" : x.toFixed(d));

/** The report as text for a terminal. */
export function formatReport(r: TDemoReport): string {
  const m = r.measurements;
  const lines: string[] = [];
  lines.push(`Hidden preference (oracle "${r.oracle.name}"): ${r.oracle.describe}.`);
  lines.push(`Labels: ${r.labels.demonstrations} demonstrations and ${r.labels.rankings} rankings by ${r.labels.labelers} simulated labelers (Plackett-Luce, temperature ${r.labelTemperature}); seed ${r.seed}${r.reduced ? ", reduced run" : ""}.`);
  lines.push("");
  lines.push(`Reward model accuracy against the oracle on ${m.rm.pairs} held-out pairs: ${pct(m.rm.accuracy).trim()} (chance 50%)`);
  lines.push("");
  lines.push(`Held-out prompts: ${m.prompts} x ${m.samplesPerPrompt} answers per model, temperature ${m.temperature}`);
  lines.push("model   oracle (gold)   reward model (proxy)   win vs SFT   win vs base   KL from SFT");
  for (const x of m.models) {
    lines.push(
      `${x.name.padEnd(6)}  ${num(x.oracle).padStart(13)}   ${num(x.reward).padStart(20)}   ${pct(x.winVsSft).padStart(10)}   ${pct(x.winVsBase).padStart(11)}   ${num(x.kl).padStart(11)}`,
    );
  }
  const ppo = m.models.find((x) => x.name === "ppo");
  const sft = m.models.find((x) => x.name === "sft");
  if (ppo && sft && ppo.reward > sft.reward && ppo.oracle < sft.oracle) {
    lines.push("Reward hacking: PPO raised the reward model's score while the oracle's fell.");
  }
  lines.push("");
  lines.push("Examples (first held-out prompts, first sample):");
  for (const x of m.models) for (const e of x.examples.slice(0, 2)) lines.push(`  ${x.name.padEnd(4)} ${JSON.stringify(e.prompt)} -> ${JSON.stringify(e.answer)} (oracle ${num(e.oracle, 1)})`);
  lines.push("");
  lines.push(`Time: ${Object.entries(r.times).map(([k, v]) => `${k} ${v.toFixed(0)}s`).join(", ")}; total ${r.totalSeconds.toFixed(0)}s`);
  lines.push(r.passed ? "PASS: PPO beats SFT under the hidden preference and the reward model is better than chance." : "FAIL: no measured improvement over SFT (see the table).");
  lines.push(`Explore the project: ${r.projectUrl}`);
  return lines.join("\n");
}
