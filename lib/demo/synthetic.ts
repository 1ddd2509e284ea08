// Synthetic tasks small enough for a tiny model to learn on two CPU cores in minutes. A task has prompts
// (train and eval) and a writer of the answers people would give without knowing the hidden preference:
// the pretraining corpus and the simulated labelers' demonstrations come from that writer, so the base
// and SFT models answer in the right form but only by chance in the preferred way. Only the rankings
// carry the preference; RLHF has to find it.
import type { DemoRng } from "./random.ts";

export interface DemoPrompt {
  text: string;
  split: "train" | "eval";
}

export interface SyntheticTask {
  name: string;
  /** Every prompt of the task (a seeded split into train and eval). */
  prompts(rng: DemoRng, options?: { evalFraction?: number }): DemoPrompt[];
  /** One answer as a person might write it (varied; not tuned to any oracle). */
  answer(prompt: string, rng: DemoRng): string;
}

/** Plain-text pretraining documents: `docsPerPrompt` answered prompts per prompt. */
export function pretrainingCorpus(task: SyntheticTask, prompts: DemoPrompt[], rng: DemoRng, docsPerPrompt = 8): string[] {
  const docs: string[] = [];
  for (let i = 0; i < docsPerPrompt; i++) for (const p of prompts) docs.push(`${p.text}\n${task.answer(p.text, rng)}`);
  return rng.shuffle(docs);
}

function split(texts: string[], rng: DemoRng, evalFraction: number): DemoPrompt[] {
  const order = rng.shuffle(texts.map((_, i) => i));
  const nEval = Math.max(1, Math.round(texts.length * evalFraction));
  const evalSet = new Set(order.slice(0, nEval));
  return texts.map((text, i) => ({ text, split: evalSet.has(i) ? "eval" : "train" }));
}

/** "a", "a and b", "a, b and c" ... */
export function joinList(items: string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

export const NOUNS = [
  "cat", "dog", "river", "house", "garden", "city", "forest", "road", "lake", "room", "market", "bridge",
  "village", "ship", "train", "school", "park", "kitchen", "island", "mountain", "library", "beach", "tower", "field",
];
/** The words the default oracle prefers (a third of the adjectives people use). */
export const TARGET_WORDS = ["bright", "calm", "kind", "warm"];
export const OTHER_WORDS = ["old", "small", "loud", "dark", "cold", "big", "slow", "busy"];
/** How often an adjective of a written answer repeats an earlier one (describeTask). */
export const REPEAT_PROBABILITY = 0.25;
export const DESCRIBE_TEMPLATES = ["Describe the {n}.", "Tell me about the {n}.", "What is the {n} like?", "Say something about the {n}."];

/**
 * "Describe the cat." -> "It is old, bright and slow." (1 to 5 adjectives, the form a tiny model learns
 * fast). Each adjective after the first repeats an earlier one with probability `repeat` (people do
 * write "It is old, old and dark."): without repeats in the corpus the SFT model never writes one, the
 * labelers never rank one, the reward model cannot learn that repeats score nothing, and PPO games it by
 * repeating a preferred word.
 */
export function describeTask(options: { repeat?: number } = {}): SyntheticTask {
  const adjectives = [...TARGET_WORDS, ...OTHER_WORDS];
  const repeat = options.repeat ?? REPEAT_PROBABILITY;
  return {
    name: "describe",
    prompts(rng, options = {}) {
      const texts = DESCRIBE_TEMPLATES.flatMap((t) => NOUNS.map((n) => t.replace("{n}", n)));
      return split(texts, rng, options.evalFraction ?? 0.25);
    },
    answer(prompt, rng) {
      const k = 1 + rng.int(5);
      const picked: string[] = [];
      for (let i = 0; i < k; i++) {
        if (picked.length && rng.next() < repeat) picked.push(rng.pick(picked));
        else picked.push(rng.pick(adjectives.filter((a) => !picked.includes(a))));
      }
      return `It is ${joinList(picked)}.`;
    },
  };
}

/** "What is 3 + 4?" -> "3 + 4 = 7." (right 40% of the time, else off by 1 to 3). */
export function arithmeticTask(): SyntheticTask {
  return {
    name: "arithmetic",
    prompts(rng, options = {}) {
      const texts: string[] = [];
      for (let a = 0; a < 10; a++) for (let b = 0; b < 10; b++) texts.push(`What is ${a} + ${b}?`);
      return split(texts, rng, options.evalFraction ?? 0.2);
    },
    answer(prompt, rng) {
      const m = prompt.match(/(\d+)\s*\+\s*(\d+)/);
      const a = Number(m?.[1] ?? 0);
      const b = Number(m?.[2] ?? 0);
      let c = a + b;
      if (rng.next() >= 0.4) c = Math.max(0, c + (rng.next() < 0.5 ? -1 : 1) * (1 + rng.int(3)));
      return `${a} + ${b} = ${c}.`;
    },
  };
}
