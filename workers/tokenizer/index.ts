// Byte-level BPE tokenizer, trained with Hugging Face's `tokenizers` (native binding) and stored as a
// standard `tokenizer.json` next to the model. When the native binding cannot load, the same files are
// read by a pure-TypeScript implementation (bpe.ts), and a new tokenizer is the plain byte-level one
// (256 byte tokens + the special tokens): nothing breaks, the fallback is logged.
import { createRequire } from "node:module";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ByteLevelBpe, buildTokenizerJson, type TokenizerJson } from "./bpe.ts";

/** Special tokens of the chat template and of training; appended after the BPE vocabulary. */
export const SPECIAL_TOKENS = {
  eos: "<|endoftext|>",
  pad: "<|pad|>",
  system: "<|system|>",
  user: "<|user|>",
  assistant: "<|assistant|>",
} as const;
export const SPECIAL_LIST: string[] = Object.values(SPECIAL_TOKENS);

type NativeTokenizers = typeof import("tokenizers");
let nativeMod: NativeTokenizers | null | undefined;
let nativeError = "";

/** The native `tokenizers` module, or null when it cannot load (logged once). */
export function nativeTokenizers(log: (l: string) => void = (l) => console.error(l)): NativeTokenizers | null {
  if (nativeMod !== undefined) return nativeMod;
  if (process.env.RLHF_TOKENIZER === "ts") {
    nativeMod = null;
    nativeError = "RLHF_TOKENIZER=ts";
  } else {
    try {
      nativeMod = createRequire(import.meta.url)("tokenizers") as NativeTokenizers;
    } catch (e) {
      nativeMod = null;
      nativeError = (e as Error).message.split("\n")[0];
    }
  }
  if (!nativeMod) log(`[engine] native 'tokenizers' unavailable (${nativeError}); using the pure-TypeScript byte-level tokenizer`);
  return nativeMod;
}

export class Tokenizer {
  /** "native": Hugging Face tokenizers; "ts": the pure-TypeScript reader of the same tokenizer.json. */
  readonly impl: "native" | "ts";
  readonly json: TokenizerJson;
  private readonly ts: ByteLevelBpe;
  private readonly hf: InstanceType<NativeTokenizers["Tokenizer"]> | null;
  readonly eosId: number;
  readonly padId: number;
  readonly roleIds: Record<"system" | "user" | "assistant", number>;

  constructor(json: TokenizerJson, native: NativeTokenizers | null) {
    this.json = json;
    this.ts = new ByteLevelBpe(json);
    this.hf = native ? native.Tokenizer.fromString(JSON.stringify(json)) : null;
    this.impl = this.hf ? "native" : "ts";
    const id = (t: string) => {
      const v = this.ts.tokenToId(t);
      if (v === undefined) throw new Error(`tokenizer.json lacks the special token ${t}`);
      return v;
    };
    this.eosId = id(SPECIAL_TOKENS.eos);
    this.padId = id(SPECIAL_TOKENS.pad);
    this.roleIds = { system: id(SPECIAL_TOKENS.system), user: id(SPECIAL_TOKENS.user), assistant: id(SPECIAL_TOKENS.assistant) };
  }

  /** Ids 0 .. vocabSize-1 (the model's embedding rows). */
  get vocabSize(): number {
    return this.ts.vocabSize;
  }

  /** Ids of the special tokens (never sampled as content). */
  get specialIds(): number[] {
    return this.ts.added.filter((t) => t.special).map((t) => t.id);
  }

  async encode(text: string): Promise<number[]> {
    if (!text) return [];
    if (this.hf) return (await this.hf.encode(text, null, { addSpecialTokens: false })).getIds();
    return this.ts.encode(text);
  }

  async decode(ids: number[], skipSpecial = true): Promise<string> {
    if (this.hf) return this.hf.decode(ids, skipSpecial);
    return this.ts.decode(ids, skipSpecial);
  }

  toJSON(): string {
    return JSON.stringify(this.json);
  }

  async save(dir: string): Promise<void> {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "tokenizer.json"), JSON.stringify(this.json));
    fs.writeFileSync(path.join(dir, "tokenizer_config.json"), JSON.stringify(tokenizerConfig(), null, 2));
  }
}

/** Hugging Face's tokenizer_config.json, carrying the one chat template (see chat.ts) as Jinja. */
export function tokenizerConfig(): Record<string, unknown> {
  return {
    tokenizer_class: "PreTrainedTokenizerFast",
    bos_token: SPECIAL_TOKENS.eos,
    eos_token: SPECIAL_TOKENS.eos,
    pad_token: SPECIAL_TOKENS.pad,
    unk_token: null,
    model_max_length: 1024,
    additional_special_tokens: [SPECIAL_TOKENS.system, SPECIAL_TOKENS.user, SPECIAL_TOKENS.assistant],
    chat_template:
      "{% for message in messages %}{{ '<|' + message['role'] + '|>' + message['content'] + '<|endoftext|>' }}{% endfor %}" +
      "{% if add_generation_prompt %}{{ '<|assistant|>' }}{% endif %}",
  };
}

export interface TrainTokenizerOptions {
  /** Target vocabulary size including the 256 byte tokens and the special tokens. */
  vocabSize: number;
  log?: (line: string) => void;
}

/**
 * Train a byte-level BPE on texts. Hugging Face's BPE trainer (native) learns the merges; we keep the
 * first `vocabSize - 256 - specials` of them (a BPE cut after its first n merges is itself a valid
 * BPE), put all 256 bytes in the vocabulary (no unknown tokens ever) and append the specials.
 */
export async function trainTokenizer(texts: string[], opts: TrainTokenizerOptions): Promise<Tokenizer> {
  const log = opts.log ?? ((l: string) => console.error(l));
  const native = nativeTokenizers(log);
  const budget = Math.max(0, opts.vocabSize - 256 - SPECIAL_LIST.length);
  let merges: [string, string][] = [];
  if (native && budget > 0 && texts.length > 0) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rlhf-tok-"));
    try {
      const corpus = path.join(dir, "corpus.txt");
      fs.writeFileSync(corpus, texts.join("\n"));
      const out = path.join(dir, "trained.json");
      // Train in a child process: the native trainer draws its progress bar on file descriptor 1,
      // which would corrupt the CLI's --json stdout.
      const script =
        "const t=require(process.argv[1]);const k=new t.Tokenizer(t.BPE.empty());" +
        "k.setPreTokenizer(t.byteLevelPreTokenizer(false,true));k.train([process.argv[2]]);k.save(process.argv[3]);";
      const r = spawnSync(process.execPath, ["-e", script, createRequire(import.meta.url).resolve("tokenizers"), corpus, out], {
        stdio: ["ignore", "ignore", "pipe"],
        encoding: "utf8",
      });
      if (r.status !== 0) throw new Error(`tokenizer training failed: ${(r.stderr || r.error?.message || "").slice(0, 500)}`);
      const trained = JSON.parse(fs.readFileSync(out, "utf8")) as TokenizerJson;
      merges = trained.model.merges.map((m) => (typeof m === "string" ? (m.split(" ") as [string, string]) : m));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  // Cut the merge list so that the vocabulary fits (merges whose parts are not yet known are skipped
  // by buildTokenizerJson, so count what it keeps).
  let json = buildTokenizerJson(merges, SPECIAL_LIST);
  if (json.model.merges.length > budget) json = buildTokenizerJson((json.model.merges as [string, string][]).slice(0, budget), SPECIAL_LIST);
  const tok = new Tokenizer(json, native);
  log(`[engine] tokenizer: byte-level BPE, ${tok.vocabSize} tokens (${json.model.merges.length} merges, ${tok.impl})`);
  return tok;
}

/** The plain byte-level tokenizer: 256 byte tokens + specials (the fallback, and handy in tests). */
export function byteTokenizer(): Tokenizer {
  return new Tokenizer(buildTokenizerJson([], SPECIAL_LIST), nativeTokenizers());
}

/**
 * Read tokenizer.json from a model directory (or a file path). Special tokens of the chat template
 * that the file lacks (GPT-2's has only <|endoftext|>) are appended as added tokens; the returned
 * `added` count tells the model loader how many embedding rows to add.
 */
export function loadTokenizer(dirOrFile: string): { tokenizer: Tokenizer; added: number } {
  const file = fs.existsSync(dirOrFile) && fs.statSync(dirOrFile).isDirectory() ? path.join(dirOrFile, "tokenizer.json") : dirOrFile;
  if (!fs.existsSync(file)) throw new Error(`no tokenizer.json at ${file}`);
  const json = JSON.parse(fs.readFileSync(file, "utf8")) as TokenizerJson;
  const probe = new ByteLevelBpe(json);
  let next = probe.vocabSize;
  let added = 0;
  json.added_tokens = json.added_tokens ?? [];
  for (const s of SPECIAL_LIST) {
    if (probe.tokenToId(s) === undefined) {
      json.added_tokens.push({ id: next++, content: s, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true } as never);
      added++;
    }
  }
  return { tokenizer: new Tokenizer(json, nativeTokenizers()), added };
}
