// A pure-TypeScript reader of byte-level BPE `tokenizer.json` files (GPT-2's scheme: bytes mapped to
// printable characters, the GPT-2 pre-tokenization regex, merges applied by rank, added tokens split
// out first). Used when the native `tokenizers` binding cannot load, and to build tokenizer.json files.

/** GPT-2's bytes_to_unicode: byte value -> printable character. */
export function bytesToUnicode(): string[] {
  const bs: number[] = [];
  for (let i = 33; i <= 126; i++) bs.push(i);
  for (let i = 161; i <= 172; i++) bs.push(i);
  for (let i = 174; i <= 255; i++) bs.push(i);
  const cs = bs.slice();
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n);
      n++;
    }
  }
  const out = new Array<string>(256);
  bs.forEach((b, i) => (out[b] = String.fromCharCode(cs[i])));
  return out;
}

const BYTE_CHARS = bytesToUnicode();
const CHAR_BYTES = new Map(BYTE_CHARS.map((c, b) => [c, b]));
/** GPT-2's pre-tokenization pattern (as used by Hugging Face's ByteLevel pre-tokenizer). */
const GPT2_PATTERN = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

export interface AddedToken {
  id: number;
  content: string;
  special: boolean;
}

export interface TokenizerJson {
  added_tokens?: { id: number; content: string; special?: boolean }[];
  pre_tokenizer?: { type?: string; add_prefix_space?: boolean; [k: string]: unknown } | null;
  model: { type?: string; vocab: Record<string, number>; merges: (string | [string, string])[]; [k: string]: unknown };
  [k: string]: unknown;
}

export class ByteLevelBpe {
  readonly vocab: Map<string, number>;
  readonly inverse: Map<number, string>;
  readonly ranks: Map<string, number>;
  readonly added: AddedToken[];
  private readonly addedById: Map<number, AddedToken>;
  private readonly addPrefixSpace: boolean;
  private readonly cache = new Map<string, number[]>();
  private readonly splitter: RegExp | null;

  constructor(json: TokenizerJson) {
    if (json.model?.type && json.model.type !== "BPE") throw new Error(`tokenizer.json: model type ${json.model.type} is not BPE`);
    this.vocab = new Map(Object.entries(json.model.vocab));
    this.inverse = new Map([...this.vocab].map(([k, v]) => [v, k]));
    this.ranks = new Map();
    json.model.merges.forEach((m, i) => {
      const [a, b] = typeof m === "string" ? (m.split(" ") as [string, string]) : m;
      this.ranks.set(`${a} ${b}`, i);
    });
    this.added = (json.added_tokens ?? []).map((t) => ({ id: t.id, content: t.content, special: t.special ?? false }));
    this.addedById = new Map(this.added.map((t) => [t.id, t]));
    for (const t of this.added) this.inverse.set(t.id, t.content);
    this.addPrefixSpace = json.pre_tokenizer?.add_prefix_space ?? false;
    const esc = this.added
      .map((t) => t.content)
      .sort((a, b) => b.length - a.length)
      .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    this.splitter = esc.length ? new RegExp(`(${esc.join("|")})`, "g") : null;
  }

  get vocabSize(): number {
    let max = -1;
    for (const id of this.inverse.keys()) max = Math.max(max, id);
    return max + 1;
  }

  tokenToId(token: string): number | undefined {
    return this.added.find((t) => t.content === token)?.id ?? this.vocab.get(token);
  }

  private bpe(word: string): number[] {
    const hit = this.cache.get(word);
    if (hit) return hit;
    let parts = Array.from(word);
    while (parts.length > 1) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i < parts.length - 1; i++) {
        const r = this.ranks.get(`${parts[i]} ${parts[i + 1]}`);
        if (r !== undefined && r < bestRank) {
          bestRank = r;
          best = i;
        }
      }
      if (best < 0) break;
      const a = parts[best];
      const b = parts[best + 1];
      const merged: string[] = [];
      for (let i = 0; i < parts.length; i++) {
        if (i < parts.length - 1 && parts[i] === a && parts[i + 1] === b) {
          merged.push(a + b);
          i++;
        } else merged.push(parts[i]);
      }
      parts = merged;
    }
    const ids = parts.map((p) => {
      const id = this.vocab.get(p);
      if (id === undefined) throw new Error(`tokenizer: no id for piece '${p}'`);
      return id;
    });
    if (this.cache.size < 100_000) this.cache.set(word, ids);
    return ids;
  }

  encode(text: string): number[] {
    const out: number[] = [];
    const segments = this.splitter ? text.split(this.splitter) : [text];
    const enc = new TextEncoder();
    for (const seg of segments) {
      if (!seg) continue;
      const special = this.added.find((t) => t.content === seg);
      if (special) {
        out.push(special.id);
        continue;
      }
      const s = this.addPrefixSpace && !seg.startsWith(" ") ? ` ${seg}` : seg;
      for (const m of s.matchAll(GPT2_PATTERN)) {
        const word = Array.from(enc.encode(m[0]), (b) => BYTE_CHARS[b]).join("");
        out.push(...this.bpe(word));
      }
    }
    return out;
  }

  decode(ids: number[], skipSpecial: boolean): string {
    const bytes: number[] = [];
    let text = "";
    const dec = new TextDecoder();
    const flush = () => {
      text += dec.decode(new Uint8Array(bytes));
      bytes.length = 0;
    };
    for (const id of ids) {
      const added = this.addedById.get(id);
      if (added) {
        if (added.special && skipSpecial) continue;
        flush();
        text += added.content;
        continue;
      }
      const tok = this.inverse.get(id);
      if (tok === undefined) continue;
      for (const ch of tok) {
        const b = CHAR_BYTES.get(ch);
        if (b !== undefined) bytes.push(b);
      }
    }
    flush();
    return text;
  }
}

/**
 * A Hugging Face tokenizer.json for a byte-level BPE: ids 0..255 are the 256 bytes (GPT-2's byte
 * characters, in byte order), then one id per merge in order, then the special tokens.
 */
export function buildTokenizerJson(merges: [string, string][], specials: string[]): TokenizerJson {
  const vocab: Record<string, number> = {};
  BYTE_CHARS.forEach((c, b) => (vocab[c] = b));
  let next = 256;
  const kept: [string, string][] = [];
  for (const [a, b] of merges) {
    if (!(a in vocab) || !(b in vocab) || a + b in vocab) continue;
    vocab[a + b] = next++;
    kept.push([a, b]);
  }
  const added = specials.map((content, i) => ({ id: next + i, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }));
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: null,
    pre_tokenizer: { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: null,
    decoder: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: kept,
    },
  };
}
