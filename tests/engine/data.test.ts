import { describe, it, expect } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { DataError, buildPreferenceGroups, normalizeRecords, parseJsonl, readJsonl } from "../../workers/data/index.ts";
import { tempDir } from "./helpers.ts";

describe("data readers", () => {
  it("reads every fixture format", () => {
    const F = "tests/fixtures/engine";
    expect(readJsonl(`${F}/corpus.jsonl`, "pretrain")[0].text.length).toBeGreaterThan(0);
    const sft = readJsonl(`${F}/sft.jsonl`, "sft");
    expect(sft[0].messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(sft.some((r) => r.messages.length === 4)).toBe(true);
    expect(readJsonl(`${F}/prompts.jsonl`, "prompts").every((r) => r.prompt.at(-1)!.role === "user")).toBe(true);
    expect(readJsonl(`${F}/preferences.jsonl`, "preferences")[0].group).toBe("r1");
  });

  it("names the file, the line and the field in errors", () => {
    const text = ['{"prompt":"a","chosen":"b","rejected":"c"}', "", '{"prompt":"a","chosen":3,"rejected":"c"}'].join("\n");
    expect(() => parseJsonl(text, "preferences", "data.jsonl")).toThrow("data.jsonl line 3: field 'chosen' must be a string");
    expect(() => parseJsonl('{"text": 1}', "pretrain", "c.jsonl")).toThrow("c.jsonl line 1: field 'text' must be a string");
    expect(() => parseJsonl('{"prompt":"x"}\n{oops', "prompts", "p.jsonl")).toThrow(/p\.jsonl line 2: invalid JSON/);
    expect(() => parseJsonl('{"messages":[{"role":"robot","content":"x"}]}', "sft", "s.jsonl")).toThrow("s.jsonl line 1: field 'messages[0].role' must be one of system, user, assistant");
    expect(() => parseJsonl('{"messages":[{"role":"user","content":"x"}]}', "sft", "s.jsonl")).toThrow("must contain at least one assistant message");
    expect(() => parseJsonl('{"prompt":"x"}', "sft", "s.jsonl")).toThrow("s.jsonl line 1: missing field 'completion'");
    expect(() => parseJsonl("\n\n", "pretrain", "e.jsonl")).toThrow("e.jsonl: no records");
    expect(() => normalizeRecords("prompts", [{ prompt: "ok" }, { nope: 1 }])).toThrow("data record 2: missing field 'prompt' (or 'messages')");
    try {
      parseJsonl("[1]", "pretrain");
    } catch (e) {
      expect(e).toBeInstanceOf(DataError);
    }
    const dir = tempDir("data");
    fs.writeFileSync(path.join(dir, "x.jsonl"), '{"text":"ok"}\n{"text":null}\n');
    expect(() => readJsonl(path.join(dir, "x.jsonl"), "pretrain")).toThrow("x.jsonl line 2: field 'text' must be a string");
  });

  it("accepts prompt/completion and conversational variants", () => {
    const [a] = parseJsonl('{"prompt":[{"role":"system","content":"s"},{"role":"user","content":"u"}],"completion":[{"role":"assistant","content":"c"}]}', "sft");
    expect(a.messages).toEqual([
      { role: "system", content: "s" },
      { role: "user", content: "u" },
      { role: "assistant", content: "c" },
    ]);
    const [p] = parseJsonl('{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a"}]}', "prompts");
    expect(p.prompt).toEqual([{ role: "user", content: "q" }]);
  });

  it("rebuilds a K-way ranking from rows sharing a group id", () => {
    const rows = parseJsonl(
      [
        '{"prompt":"p","chosen":"A","rejected":"B","group":7}',
        '{"prompt":"p","chosen":"A","rejected":"C","group":7}',
        '{"prompt":"p","chosen":"B","rejected":"C","group":7}',
        '{"prompt":"q","chosen":"X","rejected":"Y"}',
      ].join("\n"),
      "preferences",
    );
    const groups = buildPreferenceGroups(rows);
    expect(groups).toHaveLength(2);
    expect(groups[0].completions).toEqual(["A", "B", "C"]);
    expect(groups[0].pairs).toEqual([
      [0, 1],
      [0, 2],
      [1, 2],
    ]);
    expect(groups[1].pairs).toEqual([[0, 1]]);
    expect(() => buildPreferenceGroups(parseJsonl('{"prompt":"p","chosen":"A","rejected":"B","group":1}\n{"prompt":"other","chosen":"A","rejected":"B","group":1}', "preferences"))).toThrow(
      "different prompts",
    );
  });
});
