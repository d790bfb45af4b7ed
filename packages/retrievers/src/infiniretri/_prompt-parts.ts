import type { CausalLM } from '@sift/core';
import type { ResolvedInfiniRetriOptions } from './infini-retri-options.js';

/** Token ids of the prompt around the context: `prefix` + context + `separator` + `question` (the question rows). */
export interface PromptParts {
  prefix: number[];
  separator: number[];
  /** From the question's first token to the end of the input (the answer cue and any chat-template tail included). */
  question: number[];
  /**
   * Leading tokens of `separator` that are the blank line after the context. The reference's context is
   * `context.strip() + "\n\n"` and its sentence split joins that blank line to the last sentence, so these columns are
   * scored as part of the context (they belong to its last sentence).
   */
  blank: number;
}

/** Optional chat template capability (OnnxCausalLM has it through its tokenizer). */
interface ChatCapable {
  tokenizer?: { hasChatTemplate?: boolean; applyChatTemplate?(m: Array<{ role: string; content: string }>, o?: { addGenerationPrompt?: boolean }): string };
}

const CONTEXT_MARK = '\u0000SIFT_CONTEXT\u0000';
const QUESTION_MARK = '\u0000SIFT_QUESTION\u0000';

/**
 * Splits the prompt the way the reference indexes it (infini-retri 0.0.3 `pre_process`): the question rows start at
 * the question text itself (`question_start_index` is where the question's first sentence begins, so a label such as
 * "Question:" before it is not a question row) and run to the end of the input (`add_prompt`). Spaces right before
 * the question go with it, so "Question: What" tokenizes as it would whole (" What" keeps its leading space).
 */
export function promptParts(lm: Pick<CausalLM, 'tokenize'>, options: Pick<ResolvedInfiniRetriOptions, 'prompt' | 'chat'>, question: string): PromptParts {
  let text = options.prompt.replace('{context}', CONTEXT_MARK).replace('{question}', QUESTION_MARK);
  const chat = (lm as unknown as ChatCapable).tokenizer;
  if (options.chat !== false && chat?.hasChatTemplate && chat.applyChatTemplate) {
    text = chat.applyChatTemplate([{ role: 'user', content: text }], { addGenerationPrompt: true });
  }
  const c = text.indexOf(CONTEXT_MARK);
  const afterContext = text.slice(c + CONTEXT_MARK.length);
  const q = afterContext.indexOf(QUESTION_MARK);
  let sepEnd = q;
  while (sepEnd > 0 && (afterContext[sepEnd - 1] === ' ' || afterContext[sepEnd - 1] === '\t')) sepEnd--;
  const separatorText = afterContext.slice(0, sepEnd);
  const separator = lm.tokenize(separatorText);
  const rest = lm.tokenize(separatorText.trimStart());
  // Count the blank tokens only when the separator tokenizes as blank + the rest (a BPE that merges the newline into
  // the next word leaves no separate blank column, so none is scored).
  const blankEnds = rest.length <= separator.length && rest.every((id, i) => separator[separator.length - rest.length + i] === id);
  return {
    prefix: lm.tokenize(text.slice(0, c)),
    separator,
    question: lm.tokenize(afterContext.slice(sepEnd).replace(QUESTION_MARK, question)),
    blank: blankEnds ? separator.length - rest.length : 0,
  };
}
