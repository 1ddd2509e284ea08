import { describe, expect, it } from "vitest";
import { GPT } from "../../workers/model/gpt.ts";
import { Rng } from "../../workers/model/rng.ts";
import { DEFAULT_SAMPLING, fitTokenBudget, generate } from "../../workers/model/generate.ts";
import { byteTokenizer } from "../../workers/tokenizer/index.ts";
import { backend, tinyConfig } from "./helpers.ts";

// The new-token budget gives way to the prompt: a model answers the question it was asked, also when
// asked for as many new tokens as it has positions (the `tiny` preset has 64; every route defaults to 64).

describe("generation budget", () => {
  it("keeps the prompt and shortens the budget to the positions left", () => {
    expect(fitTokenBudget([10], 64, 64)).toEqual({ keep: [10], dropped: [0], maxNewTokens: 54 });
    expect(fitTokenBudget([10, 30], 64, 64)).toEqual({ keep: [10, 30], dropped: [0, 0], maxNewTokens: 34 });
    expect(fitTokenBudget([20], 8, 64)).toEqual({ keep: [20], dropped: [0], maxNewTokens: 8 });
    expect(fitTokenBudget([48], 64, 64)).toEqual({ keep: [48], dropped: [0], maxNewTokens: 16 });
  });

  it("cuts a prompt from the left only when it alone leaves no room for some new tokens", () => {
    // 60 of 64 positions: cut to 48, so that 16 new tokens fit.
    expect(fitTokenBudget([60], 64, 64)).toEqual({ keep: [48], dropped: [12], maxNewTokens: 16 });
    // Asked for 5: the prompt keeps 59 tokens.
    expect(fitTokenBudget([100], 5, 64)).toEqual({ keep: [59], dropped: [41], maxNewTokens: 5 });
    // A small model still writes at least one token.
    expect(fitTokenBudget([9], 64, 8)).toEqual({ keep: [6], dropped: [3], maxNewTokens: 2 });
    expect(fitTokenBudget([5000], 512, 1024).maxNewTokens).toBe(16);
  });

  it("a 64-position model answers from the whole prompt at the default budget, and different prompts get different answers", async () => {
    await backend();
    const tok = byteTokenizer();
    const model = GPT.create(tinyConfig(tok.vocabSize, { blockSize: 64 }), "lm", new Rng(3));
    try {
      const prompts = ["Say red.", "Say blue, please.", "What is the moon?", "Name a tree"].map((t) => [...Buffer.from(t)].map((b) => b + 3));
      const answer = async (p: number[], maxNewTokens?: number) => generate(model, [p], { maxNewTokens, temperature: 0, padId: 0 });
      const answers = [];
      for (const p of prompts) {
        const full = await answer(p); // default budget: 64
        expect(full.promptTokensDropped).toEqual([0]);
        expect(full.maxNewTokens).toBe(Math.min(DEFAULT_SAMPLING.maxNewTokens, 64 - p.length));
        expect(full.tokens[0]).toHaveLength(full.maxNewTokens);
        // Greedy: a short answer to the same prompt is the start of the long one (both read the whole prompt).
        const short = await answer(p, 4);
        expect(full.tokens[0].slice(0, 4)).toEqual(short.tokens[0]);
        answers.push(full.tokens[0].join(","));
      }
      expect(new Set(answers).size).toBe(prompts.length);
      // A prompt longer than the model: its most recent tokens are read, and some new tokens still come.
      const long = await answer(Array.from({ length: 100 }, (_, i) => 4 + (i % 50)));
      expect(long.promptTokensDropped).toEqual([52]);
      expect(long.tokens[0]).toHaveLength(16);
    } finally {
      model.dispose();
    }
  });
});
