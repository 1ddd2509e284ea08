// The one chat template, used by every stage and by generation, for single prompts and conversations:
//
//   <|system|>{content}<|endoftext|><|user|>{content}<|endoftext|><|assistant|>{content}<|endoftext|>...
//
// Each message is its role token, its content, and <|endoftext|>. A prompt for generation ends with
// `<|assistant|>` and the model answers until it emits <|endoftext|>. A plain `prompt` string is the
// conversation [{ role: "user", content: prompt }]. The same template, as Jinja, is written to
// tokenizer_config.json so Hugging Face tools render conversations identically.
import type { Tokenizer } from "./index.ts";

export type Role = "system" | "user" | "assistant";
export interface Message {
  role: Role;
  content: string;
}

/** Text form of the template (for display; training encodes piece by piece with encodeChat). */
export function renderChat(messages: Message[], addGenerationPrompt: boolean): string {
  const body = messages.map((m) => `<|${m.role}|>${m.content}<|endoftext|>`).join("");
  return addGenerationPrompt ? `${body}<|assistant|>` : body;
}

export interface EncodedChat {
  ids: number[];
  /** 1 on tokens an assistant wrote (its content and the <|endoftext|> closing it), else 0. */
  assistantMask: number[];
}

/** Token ids of a conversation; role tokens and EOS are inserted as ids (never parsed from text). */
export async function encodeChat(tok: Tokenizer, messages: Message[], addGenerationPrompt: boolean): Promise<EncodedChat> {
  const ids: number[] = [];
  const assistantMask: number[] = [];
  for (const m of messages) {
    const content = await tok.encode(m.content);
    const isA = m.role === "assistant" ? 1 : 0;
    ids.push(tok.roleIds[m.role], ...content, tok.eosId);
    assistantMask.push(0, ...content.map(() => isA), isA);
  }
  if (addGenerationPrompt) {
    ids.push(tok.roleIds.assistant);
    assistantMask.push(0);
  }
  return { ids, assistantMask };
}

/** Prompt ids (ending with <|assistant|>) and, separately, a completion's ids (content + EOS). */
export async function encodePrompt(tok: Tokenizer, prompt: Message[]): Promise<number[]> {
  return (await encodeChat(tok, prompt, true)).ids;
}

export async function encodeCompletion(tok: Tokenizer, completion: string): Promise<number[]> {
  return [...(await tok.encode(completion)), tok.eosId];
}

export function asMessages(prompt: string | Message[]): Message[] {
  return typeof prompt === "string" ? [{ role: "user", content: prompt }] : prompt;
}
