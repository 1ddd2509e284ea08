// Engine-only tuning of the demo (not part of the product): runs workers/demo/offline.ts for some seeds
// with plan overrides and prints the key figures.
//   tsx workers/demo/tune.ts --seeds 1,2,3 [--reduced] [--temperature 0.5] [--set '{"stages":{"ppo":{"klCoef":0.2}}}']
import { builtinScenario } from "../../lib/demo/oracles.ts";
import { describeTask } from "../../lib/demo/synthetic.ts";
import { demoPlan, type TDemoPlan } from "../../lib/demo/config.ts";
import { runOfflineRound } from "./offline.ts";

function merge<T>(a: T, b: unknown): T {
  if (!b || typeof b !== "object" || Array.isArray(b)) return (b === undefined ? a : b) as T;
  const out = { ...(a as Record<string, unknown>) };
  for (const [k, v] of Object.entries(b as Record<string, unknown>)) out[k] = merge(out[k], v);
  return out as T;
}

const argv = process.argv.slice(2);
const opt = (k: string, d?: string) => {
  const i = argv.indexOf(k);
  return i >= 0 ? argv[i + 1] : d;
};
const seeds = (opt("--seeds", "1,2,3") as string).split(",").map(Number);
const reduced = argv.includes("--reduced");
const temperature = Number(opt("--temperature", "0.5"));
const over = JSON.parse(opt("--set", "{}") as string);
const rows: string[] = [];
for (const seed of seeds) {
  const plan: TDemoPlan = merge(demoPlan({ reduced, seed }), over);
  const t = Date.now();
  const { measurements: m, times } = await runOfflineRound({ scenario: opt("--repeat") !== undefined ? { ...builtinScenario(opt("--oracle", "words")), task: describeTask({ repeat: Number(opt("--repeat")) }) } : builtinScenario(opt("--oracle", "words")), plan, seed, labelTemperature: temperature });
  const get = (n: string) => m.models.find((x) => x.name === n)!;
  const line = `seed ${seed}: RM ${(100 * m.rm.accuracy).toFixed(1)}%  PPO win ${(100 * get("ppo").winVsSft).toFixed(1)}% (oracle ${get("ppo").oracle.toFixed(2)} vs sft ${get("sft").oracle.toFixed(2)}, base ${get("base").oracle.toFixed(2)}, KL ${get("ppo").kl?.toFixed(2)})  DPO win ${(100 * get("dpo").winVsSft).toFixed(1)}% (oracle ${get("dpo").oracle.toFixed(2)}, KL ${get("dpo").kl?.toFixed(2)})  ${((Date.now() - t) / 1000).toFixed(0)}s [${Object.entries(times).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(" ")}]`;
  console.log(line);
  console.log("  ppo examples: " + get("ppo").examples.map((e) => e.answer).join(" | "));
  rows.push(line);
}
