// The training engine's public API (used by the job worker and the CLI). Nothing here imports the web
// app. Every stage is `async (input: StageInput<Config>) => StageResult`; see train/common.ts.
import { initBackend } from "./backend.ts";
import { loadModel } from "./checkpoint/index.ts";
import { DEFAULT_SAMPLING, fitTokenBudget, generate } from "./model/generate.ts";
import { asMessages, encodePrompt, type Message } from "./tokenizer/chat.ts";
import { pretrain } from "./train/pretrain.ts";
import { sft } from "./train/sft.ts";
import { rm } from "./train/rm.ts";
import { ppo } from "./train/ppo.ts";
import { dpo } from "./train/dpo.ts";
import type { StageInput, StageName, StageResult } from "./train/common.ts";

export { initBackend, type BackendInfo } from "./backend.ts";
export { pretrain, PRETRAIN_DEFAULTS, type PretrainConfig } from "./train/pretrain.ts";
export { sft, SFT_DEFAULTS, type SftConfig } from "./train/sft.ts";
export { rm, RM_DEFAULTS, type RmConfig } from "./train/rm.ts";
export { ppo, PPO_DEFAULTS, type PpoConfig } from "./train/ppo.ts";
export { dpo, DPO_DEFAULTS, type DpoConfig } from "./train/dpo.ts";
export type { MetricsSink, StageInput, StageName, StageResult, CommonConfig } from "./train/common.ts";
export { COMMON_DEFAULTS } from "./train/common.ts";
export { EngineError, isRetryable, type TEngineErrorCode } from "./errors.ts";
export { STAGE_HYPERPARAMETERS, hyperparameterFields, parseStageHyperparameters } from "../lib/schemas/hyperparameters.ts";
export { loadModel, saveModel, readModelConfig } from "./checkpoint/index.ts";
export { readSafetensors, writeSafetensors } from "./checkpoint/safetensors.ts";
export { parseJsonl, readJsonl, normalizeRecords, buildPreferenceGroups, DataError } from "./data/index.ts";
export type { DataKind, PretrainRecord, SftRecord, PreferenceRecord, PromptRecord, PreferenceGroup } from "./data/index.ts";
export { renderChat, encodeChat, type Message, type Role } from "./tokenizer/chat.ts";
export { trainTokenizer, loadTokenizer, byteTokenizer, Tokenizer, SPECIAL_TOKENS } from "./tokenizer/index.ts";
export { GPT, KVCache } from "./model/gpt.ts";
export { PRESETS, type GPTConfig, type PresetName } from "./model/config.ts";
export { generate, sampleFromLogits, fitTokenBudget, type SamplingOptions } from "./model/generate.ts";
export { runEngineCli } from "./cli/index.ts";

/** Every stage by name (the worker dispatches on a job's stage). */
export type StageFn = (input: StageInput<Record<string, unknown>>) => Promise<StageResult>;
export const STAGES: Record<StageName, StageFn> = {
  pretrain: pretrain as unknown as StageFn,
  sft: sft as unknown as StageFn,
  rm: rm as unknown as StageFn,
  ppo: ppo as unknown as StageFn,
  dpo: dpo as unknown as StageFn,
};

export interface GenerateTextOptions {
  modelDir: string;
  /** A user message, or a conversation so far. */
  prompt: string | Message[];
  /** Default 64; shortened to the model's positions the prompt leaves (see fitTokenBudget). */
  maxNewTokens?: number;
  /** Default 1; 0 = greedy. */
  temperature?: number;
  /** 0 = off (default). */
  topK?: number;
  /** 1 = off (default). */
  topP?: number;
  /** Default 0. */
  seed?: number;
  log?: (l: string) => void;
  /** Streaming: called after every new token with the answer decoded so far; return false to stop early. */
  onToken?: (textSoFar: string) => boolean | void | Promise<boolean | void>;
  /** Called once the prompt is fitted into the model: tokens cut from its left (0 = read whole) and the budget used. */
  onFit?: (fit: TPromptFit) => void;
}

/** How a prompt and its budget were fitted into the model's positions. */
export interface TPromptFit {
  promptTokens: number;
  promptTokensDropped: number;
  maxNewTokens: number;
}

/** A model loaded once that answers prompts one at a time (dispose() when done). */
export interface TextGenerator {
  generate(o: Omit<GenerateTextOptions, "modelDir" | "log">): Promise<string>;
  dispose(): void;
}

/** Load a model directory to answer many prompts with the chat template (one load, many answers). */
export async function openGenerator(modelDir: string, log?: (l: string) => void): Promise<TextGenerator> {
  await initBackend({ log });
  const { model, tokenizer } = await loadModel(modelDir, { head: "lm", trainable: false });
  return {
    async generate(o) {
      const ids = await encodePrompt(tokenizer, asMessages(o.prompt));
      const fit = fitTokenBudget([ids.length], o.maxNewTokens ?? DEFAULT_SAMPLING.maxNewTokens, model.config.blockSize);
      o.onFit?.({ promptTokens: ids.length, promptTokensDropped: fit.dropped[0], maxNewTokens: fit.maxNewTokens });
      const out = await generate(model, [ids], {
        maxNewTokens: o.maxNewTokens,
        temperature: o.temperature,
        topK: o.topK,
        topP: o.topP,
        seed: o.seed ?? 0,
        eosId: tokenizer.eosId,
        padId: tokenizer.padId,
        bannedIds: tokenizer.specialIds.filter((id) => id !== tokenizer.eosId),
        onToken: o.onToken ? async (tokens) => o.onToken!(await tokenizer.decode(tokens[0], true)) : undefined,
      });
      return await tokenizer.decode(out.tokens[0], true);
    },
    dispose: () => model.dispose(),
  };
}

/** Load a model directory and answer one prompt with the chat template (loads the model each call). */
export async function generateText(o: GenerateTextOptions): Promise<string> {
  const generator = await openGenerator(o.modelDir, o.log);
  try {
    return await generator.generate(o);
  } finally {
    generator.dispose();
  }
}
