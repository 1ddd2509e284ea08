import { describe, it, expect } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { Tokenizer, byteTokenizer, loadTokenizer, trainTokenizer, SPECIAL_TOKENS } from "../../workers/tokenizer/index.ts";
import { encodeChat, renderChat } from "../../workers/tokenizer/chat.ts";
import { readJsonl } from "../../workers/data/index.ts";
import { quiet, tempDir } from "./helpers.ts";

const texts = readJsonl("tests/fixtures/engine/corpus.jsonl", "pretrain").map((r) => r.text);

describe("tokenizer", () => {
  it("trains a byte-level BPE of the requested size with the special tokens", async () => {
    const tok = await trainTokenizer(texts, { vocabSize: 300, log: quiet });
    expect(tok.vocabSize).toBeLessThanOrEqual(300);
    expect(tok.vocabSize).toBeGreaterThan(256 + 5);
    const ids = await tok.encode("The cat sat next to Anna.");
    expect(ids.length).toBeLessThan("The cat sat next to Anna.".length); // merges compress
    for (const s of ["héllo wörld ✓ 日本", "  spaces\n\tand tabs  ", "<|user|>not a role"]) expect(await tok.decode(await tok.encode(s), false)).toBe(s);
    expect(await tok.encode(SPECIAL_TOKENS.eos)).toEqual([tok.eosId]);
  });

  it("the pure-TypeScript reader encodes exactly as the native one", async () => {
    const native = await trainTokenizer(texts, { vocabSize: 320, log: quiet });
    const ts = new Tokenizer(native.json, null);
    expect(native.impl).toBe("native");
    expect(ts.impl).toBe("ts");
    for (const s of [...texts.slice(0, 20), "Ünïcode and 123 numbers, it's fine"]) {
      expect(await ts.encode(s)).toEqual(await native.encode(s));
      expect(await ts.decode(await ts.encode(s))).toBe(s);
    }
  });

  it("the byte-level fallback has 256 bytes + specials", async () => {
    const t = byteTokenizer();
    expect(t.vocabSize).toBe(256 + 5);
    expect(await t.encode("hi")).toEqual([104, 105]);
  });

  it("renders one chat template for prompts and conversations, masking all but the assistant", async () => {
    const tok = byteTokenizer();
    const msgs = [
      { role: "user" as const, content: "hi" },
      { role: "assistant" as const, content: "yo" },
    ];
    expect(renderChat(msgs, false)).toBe("<|user|>hi<|endoftext|><|assistant|>yo<|endoftext|>");
    expect(renderChat([msgs[0]], true)).toBe("<|user|>hi<|endoftext|><|assistant|>");
    const { ids, assistantMask } = await encodeChat(tok, msgs, false);
    expect(ids).toEqual([tok.roleIds.user, 104, 105, tok.eosId, tok.roleIds.assistant, 121, 111, tok.eosId]);
    expect(assistantMask).toEqual([0, 0, 0, 0, 0, 1, 1, 1]);
    const prompt = await encodeChat(tok, [msgs[0]], true);
    expect(ids.slice(0, prompt.ids.length)).toEqual(prompt.ids); // the prompt is a prefix of the conversation
  });

  it("adds the chat template's special tokens to a tokenizer that lacks them (GPT-2)", async () => {
    const dir = tempDir("tok");
    const base = await trainTokenizer(texts, { vocabSize: 280, log: quiet });
    const json = structuredClone(base.json);
    json.added_tokens = json.added_tokens!.filter((t) => t.content === SPECIAL_TOKENS.eos);
    fs.writeFileSync(path.join(dir, "tokenizer.json"), JSON.stringify(json));
    const { tokenizer, added } = loadTokenizer(dir);
    expect(added).toBe(4);
    expect(tokenizer.vocabSize).toBe(280 + 0 - 5 + 1 + 4);
    expect(tokenizer.padId).toBeGreaterThan(tokenizer.eosId);
  });
});
