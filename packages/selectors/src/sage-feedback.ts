import { z } from 'zod';
import type { LLM, RunOptions } from '@sift/core';

export const SageFeedbackOptionsSchema = z
  .object({
    maxIterations: z.number().int().min(1).max(10).default(3).describe('LLM rounds at most (each is one answer + self-assessment)'),
    targetScore: z.number().min(1).max(10).default(8).describe('Stop once the LLM rates its answer at least this (1–10)'),
    maxTokens: z.number().int().positive().default(256).describe('Tokens the LLM may write per round'),
  })
  .strict();
export type SageFeedbackOptions = z.input<typeof SageFeedbackOptionsSchema>;

/** One round of SAGE's self-feedback: the LLM's answer, its 1–10 self-score, and its verdict on the context. */
export interface FeedbackRound {
  k: number;
  answer: string;
  score: number | undefined;
  verdict: 'insufficient' | 'excessive' | 'ok';
}

export const FEEDBACK_SYSTEM =
  'You answer questions from the given context only. After the answer, judge yourself honestly in exactly this format:\n' +
  'Answer: <answer>\nScore: <1-10, how well the context let you answer>\nContext: <insufficient | excessive | ok>\n' +
  'Say "insufficient" when information you needed was missing, "excessive" when much of the context was irrelevant.';

export function feedbackPrompt(query: string, passages: readonly string[]): string {
  const ctx = passages.map((p, i) => `[${i + 1}] ${p}`).join('\n\n');
  return `Context:\n${ctx}\n\nQuestion: ${query}`;
}

/** Reads the Answer/Score/Context lines; a reply that names no verdict counts as "ok" (no change to k). */
export function parseFeedback(reply: string): Omit<FeedbackRound, 'k'> {
  const answer = /answer\s*:\s*(.*)/i.exec(reply)?.[1]?.trim() ?? reply.trim().split('\n')[0] ?? '';
  const scoreText = /score\s*:\s*(\d+(?:\.\d+)?)/i.exec(reply)?.[1];
  const score = scoreText === undefined ? undefined : Math.min(10, Math.max(1, Number(scoreText)));
  const v = /context\s*:\s*\**\s*(insufficient|excessive|ok|sufficient)/i.exec(reply)?.[1]?.toLowerCase();
  const verdict = v === 'insufficient' || v === 'excessive' ? v : 'ok';
  return { answer, score, verdict };
}

/**
 * SAGE's feedback loop: answer with the top k, then k+1 when the LLM says the context was insufficient, k-1 when
 * excessive, until its self-score reaches the target, it says ok, k stops moving, or the rounds run out.
 */
export async function sageFeedback(
  llm: LLM,
  query: string,
  ranked: readonly string[],
  k0: number,
  bounds: { minK: number; maxK: number },
  o: z.output<typeof SageFeedbackOptionsSchema>,
  opts: RunOptions = {},
): Promise<{ k: number; rounds: FeedbackRound[] }> {
  const rounds: FeedbackRound[] = [];
  const lo = Math.min(bounds.minK, ranked.length);
  const hi = Math.min(bounds.maxK, ranked.length);
  let k = k0;
  for (let i = 0; i < o.maxIterations; i++) {
    const reply = await llm.complete(feedbackPrompt(query, ranked.slice(0, k)), {
      system: FEEDBACK_SYSTEM,
      maxTokens: o.maxTokens,
      temperature: 0,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    const round = { k, ...parseFeedback(reply) };
    rounds.push(round);
    if (round.score !== undefined && round.score >= o.targetScore) break;
    const next = round.verdict === 'insufficient' ? k + 1 : round.verdict === 'excessive' ? k - 1 : k;
    const clamped = Math.min(hi, Math.max(Math.max(1, lo), next));
    if (clamped === k) break;
    k = clamped;
  }
  return { k, rounds };
}
