// Shared setup of the selection bench: hotpotqa-100 (optionally with the 2wiki distractors) as whole passages with
// cl100k token counts, first-stage candidate lists, per-question scoring of a selection, and a memoising reranker
// wrapper so grids over selector settings score each (query, text) pair once.
// The corpus is read here rather than through @sift/eval so this bench runs while the eval package is mid-change;
// passages and answers follow eval's hotpotqa loader exactly (title + "\n" + trimmed sentences; yes/no answers dropped;
// 2wiki distractors prefixed "2wiki:"), and answer-in-context uses SQuAD normalisation as eval's metric does.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { tmpdir } from 'node:os';
import { CachedEmbedder, UseLiteEmbedder, createTokenizer, type Chunk, type Embedder, type Reranker, type RunOptions, type ScoredChunk } from '@sift/core';
import { createRetriever } from '@sift/retrievers';
import { datasetsDir, log, mean } from './_bench-utils.js';

export interface BenchQuestion {
  question: string;
  gold: ReadonlySet<string>;
  answers: string[];
}

export interface SelectionCorpus {
  chunks: Chunk[];
  questions: BenchQuestion[];
}

export async function loadCorpus(distractors: boolean): Promise<SelectionCorpus> {
  const dir = datasetsDir();
  const read = (...p: string[]) => JSON.parse(readFileSync(path.join(dir, ...p), 'utf8')) as unknown;
  const corpus = read('hotpotqa-100', 'hotpotqa_train_corpus.json') as Record<string, string[]>;
  const raw = read('hotpotqa-100', 'hotpotqa_train.json') as Array<{ question: string; answer: string; supporting_facts: Array<[string, number]> }>;
  const docs: Array<[string, string]> = Object.entries(corpus).map(([title, sents]) => [
    title,
    `${title}\n${sents.map((x) => x.trim()).filter((x) => x.length > 0).join(' ')}`,
  ]);
  if (distractors) {
    for (const p of read('2wiki-corpus', '2wikimultihopqa_corpus.json') as Array<{ title: string; text: string }>) docs.push([`2wiki:${p.title}`, `${p.title}\n${p.text}`]);
  }
  const tok = await createTokenizer('cl100k');
  const chunks = docs.map(([id, text]): Chunk => ({ id, docId: id, text, start: 0, end: text.length, tokenCount: tok.count(text), metadata: {} }));
  const questions = raw.map((q) => ({
    question: q.question,
    gold: new Set(q.supporting_facts.map(([t]) => t)),
    answers: /^(yes|no)$/i.test(q.answer.trim()) ? [] : [q.answer],
  }));
  return { chunks, questions };
}

const PUNCT = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;
const ARTICLES = /(?<![\p{L}\p{N}_])(a|an|the)(?![\p{L}\p{N}_])/gu;
const normalizeAnswer = (s: string) => s.toLowerCase().replace(PUNCT, '').replace(ARTICLES, ' ').split(/\s+/).filter((t) => t.length > 0).join(' ');
function answerInContext(context: string, golds: readonly string[]): number | undefined {
  const answers = golds.map(normalizeAnswer).filter((a) => a.length > 0);
  if (answers.length === 0) return undefined;
  const ctx = ` ${normalizeAnswer(context)} `;
  return answers.some((a) => ctx.includes(` ${a} `)) ? 1 : 0;
}
const meanDefined = (xs: Array<number | undefined>) => mean(xs.filter((x): x is number => x !== undefined));

let embedder: Promise<Embedder> | undefined;
/** USE-lite behind the bench's on-disk embedding cache (shared with the hotpot-retrieval bench). */
export function benchEmbedder(): Promise<Embedder> {
  return (embedder ??= (async () => {
    const use = await UseLiteEmbedder.create({ warn: () => {} });
    return CachedEmbedder.create({ embedder: use, dir: path.join(tmpdir(), 'sift-bench-embed-cache') });
  })());
}

/** Top-`depth` first-stage candidates per question. */
export async function candidates(spec: string, corpus: SelectionCorpus, depth: number): Promise<ScoredChunk[][]> {
  const needsVectors = /dense|hybrid/.test(spec);
  const t0 = performance.now();
  const r = await createRetriever(spec, corpus.chunks, needsVectors ? { embedder: await benchEmbedder() } : {});
  log(`selection: ${spec} over ${corpus.chunks.length} passages built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const out: ScoredChunk[][] = [];
  for (const q of corpus.questions) out.push(await r.retrieve(q.question, depth));
  return out;
}

export interface Point {
  recall: number;
  aic: number;
  tokens: number;
}

/** Mean supporting-passage recall, answer-in-context and tokens of per-question selections over questions [from, to). */
export function score(sel: readonly ScoredChunk[][], qs: readonly BenchQuestion[], from = 0, to = qs.length): Point {
  const rec: number[] = [];
  const aic: Array<number | undefined> = [];
  const tok: number[] = [];
  for (let i = from; i < to; i++) {
    const s = sel[i]!;
    const gold = qs[i]!.gold as ReadonlySet<string>;
    const docs = new Set(s.map((c) => c.docId));
    rec.push([...gold].filter((g) => docs.has(g)).length / gold.size);
    aic.push(answerInContext(s.map((c) => c.text).join('\n'), qs[i]!.answers));
    tok.push(s.reduce((a, c) => a + c.tokenCount, 0));
  }
  return { recall: meanDefined(rec), aic: meanDefined(aic), tokens: meanDefined(tok) };
}

/** Recall of the top-k curve at `tokens`, linearly interpolated between its points (flat beyond the ends). */
export function curveRecallAt(curve: readonly Point[], tokens: number): number {
  const pts = [...curve].sort((a, b) => a.tokens - b.tokens);
  if (tokens <= pts[0]!.tokens) return pts[0]!.recall * (tokens / pts[0]!.tokens);
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1]!;
    const b = pts[i]!;
    if (tokens <= b.tokens) return a.recall + ((b.recall - a.recall) * (tokens - a.tokens)) / (b.tokens - a.tokens);
  }
  return pts[pts.length - 1]!.recall;
}

/**
 * Wraps a reranker so each (query, text) pair is scored once across a grid; counts real and requested pairs. Only for
 * per-passage scores over a fixed pool per query (BM25's pool IDF is then the same on every call).
 */
export class MemoReranker implements Reranker {
  readonly id: string;
  readonly #inner: Reranker;
  readonly #memo = new Map<string, number>();
  /** Pairs requested (what the selector would cost without the memo). */
  requested = 0;
  /** Milliseconds spent in the inner reranker. */
  ms = 0;

  constructor(inner: Reranker) {
    this.#inner = inner;
    this.id = inner.id;
  }

  async score(query: string, texts: string[], opts?: RunOptions): Promise<Float32Array> {
    this.requested += texts.length;
    const keys = texts.map((t) => `${query}\u0000${t}`);
    const todo = [...new Set(keys.filter((k) => !this.#memo.has(k)))];
    if (todo.length > 0) {
      const t0 = performance.now();
      const s = await this.#inner.score(query, todo.map((k) => k.slice(query.length + 1)), opts);
      this.ms += performance.now() - t0;
      todo.forEach((k, i) => this.#memo.set(k, s[i]!));
    }
    return Float32Array.from(keys, (k) => this.#memo.get(k)!);
  }
}
