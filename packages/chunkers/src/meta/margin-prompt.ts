import type { TokenLogprobModel } from '@sift/core';

export type MarginLanguage = 'en' | 'zh';

// The reference prompts byte for byte (IAAR-Shanghai/Meta-Chunking, tools/margin_sampling_chunking.py); the
// 8-space indents come from its triple-quoted strings. {AB} is A and B joined (' ' in English, '' in Chinese).
const QUERY: Record<MarginLanguage, (a: string, b: string) => string> = {
  en: (a, b) =>
    'This is a text chunking task. You are a text analysis expert. Please choose one of the following two options ' +
    'based on the logical structure and semantic content of the provided sentence:\n' +
    `        1. Split "${a} ${b}" into "${a}" and "${b}" two parts;\n` +
    `        2. Keep "${a} ${b}" unsplit in its original form;\n` +
    '        Please answer 1 or 2.',
  zh: (a, b) =>
    '这是一个文本分块任务.你是一位文本分析专家，请根据提供的句子的逻辑结构和语义内容，从下面两种方案中选择一种分块方式：\n' +
    `        1. 将“${a}${b}”分割成“${a}”与“${b}”两部分；\n` +
    `        2. 将“${a}${b}”不进行分割，保持原形式；\n` +
    '        请回答1或2。',
};

/** Qwen's chat markup, written out as the reference does (not taken from the model's own chat template). */
export function marginPrompt(a: string, b: string, language: MarginLanguage): string {
  return `<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n${QUERY[language](a, b)}<|im_end|>\n<|im_start|>assistant\n`;
}

/**
 * The prompt repeats A (the current chunk) three times, so A keeps only its last `aTokens` model tokens and B (the
 * next sentence) its first `bTokens`, cut on the model's own tokenizer. models/sift-lm-margin/train.py cuts the
 * same way (A 32, B 24), which is why those are the defaults.
 */
export function truncateForPrompt(model: TokenLogprobModel, a: string, b: string, aTokens: number, bTokens: number): [string, string] {
  // Only the edge that survives is tokenized (a long chunk would otherwise be re-tokenized for every sentence); 16
  // characters per token is far more than any BPE averages, so the kept tokens are the same.
  const ai = model.tokenize(a.length > 16 * aTokens ? a.slice(a.length - 16 * aTokens) : a);
  const bi = model.tokenize(b.length > 16 * bTokens ? b.slice(0, 16 * bTokens) : b);
  const at = ai.length > aTokens ? model.decode(ai.slice(ai.length - aTokens)) : a;
  const bt = bi.length > bTokens ? model.decode(bi.slice(0, bTokens)) : b;
  return [at.trim(), bt.trim()];
}

/** Ids of the answers "1" (split) and "2" (keep): the first token of each, as the reference takes them. */
export function answerIds(model: TokenLogprobModel): [number, number] {
  const one = model.tokenize('1')[0];
  const two = model.tokenize('2')[0];
  if (one === undefined || two === undefined) throw new Error(`model ${model.id} cannot tokenize "1" and "2"`);
  return [one, two];
}

/** p("2") − p("1") of the next token: positive means keep A and B together. */
export async function marginOf(model: TokenLogprobModel, prompt: string, ids: [number, number], signal?: AbortSignal): Promise<number> {
  const lp = await model.nextTokenLogprobs(prompt, signal ? { signal } : {});
  return Math.exp(lp[ids[1]]!) - Math.exp(lp[ids[0]]!);
}
