import { describe, expect, it } from "vitest";
import { DemoRng, derivedRng } from "./random.ts";
import { arithmeticOracle, builtinScenario, lengthOracle, targetWordsOracle } from "./oracles.ts";
import { bradleyTerry, plackettLuce, rankResponses } from "./labelers.ts";
import { pairAccuracy, winRate } from "./metrics.ts";
import { describeTask, pretrainingCorpus } from "./synthetic.ts";
import { demoPlan } from "./config.ts";
import { formatReport, type TDemoReport } from "./report.ts";

describe("oracles score answers by their hidden rule", () => {
  it("words: one point per distinct target word, a point off for rambling", () => {
    const o = targetWordsOracle();
    expect(o.score("Describe the cat.", "It is bright and calm.")).toBe(2);
    expect(o.score("Describe the cat.", "It is bright, bright and bright.")).toBe(1);
    expect(o.score("Describe the cat.", "It is old.")).toBe(0);
    expect(o.score("x", "bright calm kind warm a b c d e f g h i")).toBe(3);
  });
  it("length: best at the target word count", () => {
    const o = lengthOracle(8);
    expect(o.score("", "one two three four five six seven eight")).toBe(0);
    expect(o.score("", "It is old.")).toBe(-5);
  });
  it("arithmetic: the right sum scores 2, errors cost their size", () => {
    const o = arithmeticOracle();
    expect(o.score("What is 3 + 4?", "3 + 4 = 7.")).toBe(2);
    expect(o.score("What is 3 + 4?", "3 + 4 = 9.")).toBe(-2);
    expect(o.score("What is 3 + 4?", "no idea")).toBe(-5);
  });
  it("unknown oracle names are refused", () => {
    expect(() => builtinScenario("nope")).toThrow(/unknown oracle/);
  });
});

describe("simulated labelers", () => {
  it("Bradley-Terry: sigmoid of the score gap over the temperature", () => {
    expect(bradleyTerry(1, 0, 1)).toBeCloseTo(1 / (1 + Math.exp(-1)), 10);
    expect(bradleyTerry(1, 1, 0.5)).toBeCloseTo(0.5, 10);
    expect(bradleyTerry(2, 1, 0)).toBe(1);
  });
  it("Plackett-Luce draws the best first with probability exp(g/T) / sum", () => {
    const rng = new DemoRng(7);
    const scores = [0, 1, 2];
    const T = 1;
    const n = 20_000;
    const first = [0, 0, 0];
    for (let i = 0; i < n; i++) first[plackettLuce(scores, T, rng)[0]] += 1;
    const z = scores.reduce((a, g) => a + Math.exp(g / T), 0);
    scores.forEach((g, i) => expect(first[i] / n).toBeCloseTo(Math.exp(g / T) / z, 1));
  });
  it("rankings tie identical answers and rank exactly at temperature 0", () => {
    const rng = new DemoRng(1);
    const o = targetWordsOracle();
    const groups = rankResponses(
      [
        { id: "a", text: "It is old." },
        { id: "b", text: "It is bright and warm." },
        { id: "c", text: "It is old." },
        { id: "d", text: "It is calm." },
      ],
      (t) => o.score("", t),
      0,
      rng,
    );
    expect(groups).toEqual([["b"], ["d"], expect.arrayContaining(["a", "c"])]);
  });
});

describe("simulated labels do not depend on the order of HTTP requests", () => {
  it("a derived generator is fixed by the seed and what it decides", () => {
    const draws = (rng: DemoRng) => Array.from({ length: 4 }, () => rng.next());
    expect(draws(derivedRng(1, "ranking", "Describe the cat."))).toEqual(draws(derivedRng(1, "ranking", "Describe the cat.")));
    expect(draws(derivedRng(1, "ranking", "Describe the cat."))).not.toEqual(draws(derivedRng(1, "ranking", "Describe the dog.")));
    expect(draws(derivedRng(1, "ranking", "Describe the cat."))).not.toEqual(draws(derivedRng(2, "ranking", "Describe the cat.")));
    expect(draws(derivedRng(1, "ranking", "Describe the cat."))).not.toEqual(draws(derivedRng(1, "demonstration", "Describe the cat.")));
  });
  it("the same generator ranks the same answers alike in whatever order they are shown", () => {
    const o = targetWordsOracle();
    const answers = ["It is old.", "It is bright and warm.", "It is calm.", "It is kind, dark and cold.", "It is busy.", "It is warm."].map((text, i) => ({ id: `r${i}`, text }));
    const shown = new DemoRng(5).shuffle(answers);
    for (let seed = 0; seed < 20; seed++) {
      const rank = (rs: typeof answers) => rankResponses(rs, (t) => o.score("", t), 2, derivedRng(seed, "ranking", "Describe the cat."));
      expect(rank(shown)).toEqual(rank(answers));
    }
  });
});

describe("metrics", () => {
  it("win rate counts ties as half", () => {
    expect(winRate([2, 1, 0, 1], [1, 1, 1, 0])).toBeCloseTo((1 + 0.5 + 0 + 1) / 4, 10);
  });
  it("reward-model accuracy ignores pairs the oracle ties", () => {
    const r = pairAccuracy([
      { gold: [1, 0], reward: [0.3, 0.1] },
      { gold: [0, 1], reward: [0.3, 0.1] },
      { gold: [1, 1], reward: [0.3, 0.1] },
    ]);
    expect(r).toEqual({ accuracy: 0.5, pairs: 2 });
  });
});

describe("synthetic task", () => {
  it("is seeded, splits train/eval and its answers vary in the oracle's score", () => {
    const task = describeTask();
    const a = task.prompts(new DemoRng(3));
    expect(task.prompts(new DemoRng(3))).toEqual(a);
    expect(a.filter((p) => p.split === "eval").length).toBe(24);
    const rng = new DemoRng(3);
    const o = targetWordsOracle();
    const scores = new Set(Array.from({ length: 200 }, () => o.score("", task.answer("Describe the cat.", rng))));
    expect(scores.size).toBeGreaterThanOrEqual(3);
    expect(pretrainingCorpus(task, a, rng, 2)).toHaveLength(2 * a.length);
  });
  it("the reduced plan trains as the full one and evaluates fewer samples", () => {
    expect(demoPlan({ reduced: true }).stages).toEqual(demoPlan().stages);
    expect(demoPlan({ reduced: true }).evalSamples).toBeLessThan(demoPlan().evalSamples);
  });
});

describe("report", () => {
  it("prints the table and says whether the improvement is there", () => {
    const m = (name: "sft" | "ppo", oracle: number, reward: number, win: number) => ({ name, oracle, reward, winVsSft: win, winVsBase: null, kl: name === "sft" ? 0 : 1.5, examples: [] });
    const report: TDemoReport = {
      oracle: { name: "words", describe: "likes words" },
      seed: 1,
      labelTemperature: 0.5,
      reduced: false,
      projectId: "p1",
      projectUrl: "http://localhost:3000/projects/p1",
      labels: { demonstrations: 10, rankings: 5, labelers: 3 },
      times: { ppo: 12 },
      runs: [],
      versions: {},
      measurements: { prompts: 4, samplesPerPrompt: 2, temperature: 0.7, rm: { accuracy: 0.8, pairs: 10 }, models: [m("sft", 1, 0, 0.5), m("ppo", 0.5, 2, 0.3)], seconds: 1 },
      passed: false,
      totalSeconds: 20,
    };
    const text = formatReport(report);
    expect(text).toContain("80.0%");
    expect(text).toContain("Reward hacking");
    expect(text).toContain("FAIL");
  });
});
