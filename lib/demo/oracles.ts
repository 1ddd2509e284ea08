// The demo's hidden preference: an oracle scores an answer to a prompt (higher is better). The simulated
// labelers rank by it (with noise, see labelers.ts) and the demo's report measures every model against
// it; the models never see it. Each built-in oracle comes with a synthetic task (prompts and the kind of
// answers people would write, see synthetic.ts) on which a tiny model can learn the preference.
import { describeTask, arithmeticTask, TARGET_WORDS, type SyntheticTask } from "./synthetic.ts";

/** A hidden gold score g(prompt, answer). Plug in your own: any object of this shape. */
export interface Oracle {
  name: string;
  /** One sentence, shown in the report. */
  describe: string;
  score(prompt: string, answer: string): number;
}

/** An oracle together with the synthetic task it is meant for. */
export interface DemoScenario {
  oracle: Oracle;
  task: SyntheticTask;
}

/** Lower-case words of a text (letters, digits and apostrophes). */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9']+/g) ?? [];
}

/** +1 for each distinct target word; -1 for rambling (more than `maxWords` words). */
export function targetWordsOracle(targets: readonly string[] = TARGET_WORDS, maxWords = 12): Oracle {
  const set = new Set(targets.map((w) => w.toLowerCase()));
  return {
    name: "words",
    describe: `prefers answers that use the words ${targets.join(", ")} (one point each, repeats do not count; over ${maxWords} words loses a point)`,
    score(_prompt, answer) {
      const ws = words(answer);
      const hits = new Set(ws.filter((w) => set.has(w))).size;
      return hits - (ws.length > maxWords ? 1 : 0);
    },
  };
}

/** -|words - target|: prefers answers of about `target` words. */
export function lengthOracle(target = 8): Oracle {
  return {
    name: "length",
    describe: `prefers answers of ${target} words (minus one point per word away from ${target})`,
    score(_prompt, answer) {
      return 0 - Math.abs(words(answer).length - target);
    },
  };
}

/** For "What is a + b?": 2 for the right sum, else -|error| (at most -5, also when no number is given). */
export function arithmeticOracle(): Oracle {
  return {
    name: "arithmetic",
    describe: "prefers correct sums: 2 points for the right result, minus the size of the error otherwise",
    score(prompt, answer) {
      const m = prompt.match(/(\d+)\s*\+\s*(\d+)/);
      if (!m) return 0;
      const want = Number(m[1]) + Number(m[2]);
      // The result is the number after "=", else the last number in the answer.
      const after = answer.match(/=\s*(-?\d+)/);
      const nums = answer.match(/-?\d+/g);
      const got = after ? Number(after[1]) : nums?.length ? Number(nums[nums.length - 1]) : null;
      if (got === null) return -5;
      return got === want ? 2 : -Math.min(5, Math.abs(got - want));
    },
  };
}

export const ORACLE_NAMES = ["words", "length", "arithmetic"] as const;
export type TOracleName = (typeof ORACLE_NAMES)[number];

/** A built-in scenario by oracle name (the default is "words"). */
export function builtinScenario(name: string = "words"): DemoScenario {
  switch (name) {
    case "words":
      return { oracle: targetWordsOracle(), task: describeTask() };
    case "length":
      return { oracle: lengthOracle(), task: describeTask() };
    case "arithmetic":
      return { oracle: arithmeticOracle(), task: arithmeticTask() };
    default:
      throw new Error(`unknown oracle '${name}' (built in: ${ORACLE_NAMES.join(", ")})`);
  }
}
