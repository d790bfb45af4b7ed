import { normalizeAnswer } from './squad-normalize.js';

/**
 * 1 if some gold answer, SQuAD-normalized, occurs in the normalized context on token boundaries
 * ("an" does not match inside "and"); 0 if not; `undefined` when there is no usable gold answer
 * (unanswerable, or an answer that normalizes to nothing, such as "the").
 */
export function answerInContext(context: string, golds: readonly string[]): number | undefined {
  const answers = golds.map(normalizeAnswer).filter((a) => a.length > 0);
  if (answers.length === 0) return undefined;
  const ctx = ` ${normalizeAnswer(context)} `;
  return answers.some((a) => ctx.includes(` ${a} `)) ? 1 : 0;
}
