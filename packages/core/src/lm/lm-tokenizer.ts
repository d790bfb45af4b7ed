import path from 'node:path';
import { SiftError } from '../errors.js';
import { readModelJson } from './_read-model-json.js';

/** Text ↔ token ids over a fixed vocabulary `[0, vocabSize)`. */
export interface IdTokenizer {
  readonly vocabSize: number;
  encode(text: string): number[];
  decode(ids: number[]): string;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** The part of a transformers.js tokenizer this class uses. */
interface HfTokenizer {
  encode(text: string, o: { add_special_tokens: boolean }): number[];
  decode(ids: number[], o: { skip_special_tokens: boolean; clean_up_tokenization_spaces: boolean }): string;
  get_vocab(): Map<string, number> | Record<string, number>;
  apply_chat_template(messages: ChatMessage[], o: { tokenize: false; add_generation_prompt: boolean }): string;
  readonly chat_template: unknown;
  readonly eos_token_id: number | undefined;
  readonly all_special_ids: number[];
}
type HfTokenizerClass = new (json: unknown, config: unknown) => HfTokenizer;

/**
 * A Hugging Face `tokenizer.json` (+ `tokenizer_config.json`) run by transformers.js, read from a local folder only.
 * `encode` adds no special tokens (no BOS), which is what per-token scoring wants.
 */
export class LmTokenizer implements IdTokenizer {
  readonly vocabSize: number;
  /** Ids that end generation: the tokenizer's eos plus `extraEos` given at load (a model config's eos_token_id). */
  readonly eosTokenIds: readonly number[];
  readonly hasChatTemplate: boolean;
  readonly #tok: HfTokenizer;
  readonly #cleanup: boolean;

  private constructor(tok: HfTokenizer, config: Record<string, unknown>, extraEos: number[]) {
    this.#tok = tok;
    const vocab = tok.get_vocab();
    let max = -1;
    for (const id of vocab instanceof Map ? vocab.values() : Object.values(vocab)) if (id > max) max = id;
    for (const id of tok.all_special_ids) if (id > max) max = id;
    this.vocabSize = max + 1;
    this.eosTokenIds = [...new Set([...(tok.eos_token_id === undefined ? [] : [tok.eos_token_id]), ...extraEos])];
    this.hasChatTemplate = tok.chat_template !== null && tok.chat_template !== undefined;
    this.#cleanup = config['clean_up_tokenization_spaces'] === true;
  }

  /** Loads `tokenizer.json` and `tokenizer_config.json` from `dir`; errors name the file that is missing or broken. */
  static async fromDir(dir: string, opts: { extraEos?: number[] } = {}): Promise<LmTokenizer> {
    const json = await readModelJson(path.join(dir, 'tokenizer.json'));
    if (typeof json['model'] !== 'object' || json['model'] === null) {
      const file = path.join(dir, 'tokenizer.json');
      throw new SiftError('E_MODEL_MALFORMED', `${file} has no "model" section (not a Hugging Face tokenizer.json)`, {
        details: { file },
      });
    }
    const config = await readModelJson(path.join(dir, 'tokenizer_config.json'));
    const mod = await importTransformers();
    const name = typeof config['tokenizer_class'] === 'string' ? config['tokenizer_class'].replace(/Fast$/, '') : '';
    const cls = (mod[name] ?? mod['PreTrainedTokenizer']) as HfTokenizerClass;
    let tok: HfTokenizer;
    try {
      tok = new cls(json, config);
    } catch (err) {
      const file = path.join(dir, 'tokenizer.json');
      throw new SiftError('E_MODEL_MALFORMED', `transformers.js cannot build a tokenizer from ${file}: ${(err as Error).message}`, {
        cause: err,
        details: { file },
      });
    }
    return new LmTokenizer(tok, config, opts.extraEos ?? []);
  }

  encode(text: string): number[] {
    return text.length === 0 ? [] : this.#tok.encode(text, { add_special_tokens: false });
  }

  decode(ids: number[]): string {
    if (ids.length === 0) return '';
    return this.#tok.decode(ids, { skip_special_tokens: false, clean_up_tokenization_spaces: this.#cleanup });
  }

  /** Renders messages with the chat template from tokenizer_config.json (ending with the assistant's turn opener). */
  applyChatTemplate(messages: ChatMessage[], opts: { addGenerationPrompt?: boolean } = {}): string {
    if (!this.hasChatTemplate) {
      throw new SiftError('E_BAD_INPUT', 'This tokenizer has no chat_template in its tokenizer_config.json');
    }
    return this.#tok.apply_chat_template(messages, { tokenize: false, add_generation_prompt: opts.addGenerationPrompt ?? true });
  }
}


async function importTransformers(): Promise<Record<string, unknown>> {
  try {
    return (await import('@huggingface/transformers')) as unknown as Record<string, unknown>;
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') {
      throw new SiftError('E_DEPENDENCY_MISSING', 'Causal LM tokenizers need @huggingface/transformers: pnpm add @huggingface/transformers', {
        cause: err,
      });
    }
    throw err;
  }
}
