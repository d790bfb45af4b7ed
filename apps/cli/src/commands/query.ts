import type { ScoredChunk } from '@sift/core';
import { createPipeline, type SelectionSummary } from '@sift/pipeline';
import { ALL_SELECTOR_NAMES } from '@sift/selectors';
import { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { loadConfig } from '../config/load-config.js';
import { intArg } from '../options.js';
import { writeOut } from '../write-out.js';
import { configFromFlags } from './pipeline-flags.js';
import { queryInputFile } from './query-input.js';

interface QueryFlags {
  index?: string;
  k?: number;
  retriever?: string;
  embedder?: string;
  selector?: string;
  budget?: number;
  reranker?: string;
  json?: boolean;
  config?: string;
  input?: string;
}

/** One ranked result, as `--json` prints it. */
export interface QueryResult {
  rank: number;
  score: number;
  docId: string;
  chunkId: string;
  start: number;
  end: number;
  text: string;
  /** Tokens in the chunk, as the index's chunker counted them (what a budget spends). */
  tokenCount: number;
}

/** `--json` output: the query, its results, and what the selector kept. */
export interface QueryOutput {
  query: string;
  results: QueryResult[];
  selection: { name: string; budget: number | null; tokens: number };
}

/** `sift query "<q>"`: the pipeline's retrieve → select over the index on disk (opened, never rebuilt). */
export function queryCommand(ctx: CliContext): Command {
  return new Command('query')
    .description('search an index and print the best chunks with score, document and offsets')
    .argument('<query>', 'what to look for')
    .option('--index <dir>', 'index folder (default: .sift)')
    .option('-k, --k <n>', 'number of results, or of candidates for the selector (default: 10)', intArg(1))
    .option('--retriever <name>', 'bm25 | dense | hybrid | graph:bm25 | graph:hybrid | infiniretri:bm25 (default: hybrid when the index has vectors, else bm25; graph:* needs `sift index --graph`; infiniretri reads --input FILE)')
    .option('--embedder <spec>', 'embedder for dense/hybrid (default: the one the index was built with)')
    .option('--selector <name>', `choose among the k results: ${ALL_SELECTOR_NAMES.join(' | ')} (default: the top k; --budget alone implies budget)`)
    .option('--budget <n>', 'token budget for the selector', intArg(1))
    .option('--reranker <name>', 'rerank the k candidates first, and score sage/corag with it: bm25 | embedding | query-likelihood | cross-encoder:<folder>')
    .option('--json', 'print {query, results:[{rank, score, docId, chunkId, start, end, text, tokenCount}], selection:{name, budget, tokens}}')
    .option('--config <file>', 'read defaults from this file instead of ./sift.config.json')
    .option('--input <file>', 'read this one file (any length) with --retriever infiniretri instead of searching an index')
    .action(async (query: string, flags: QueryFlags) => {
      const cfg = await loadConfig(ctx.io, flags.config);
      const config = configFromFlags(ctx, cfg, flags as Record<string, unknown>, ['k', 'retriever', 'embedder', 'selector', 'budget', 'reranker']);
      if (flags.input !== undefined) {
        const results = (await queryInputFile(ctx, query, flags.input, config)).map(toResult);
        const selection = { name: 'none', budget: null, tokens: results.reduce((a, r) => a + r.tokenCount, 0) };
        await writeOut(ctx.io.stdout, flags.json ? `${JSON.stringify({ query, results, selection })}\n` : formatResults(results, selection, false), ctx.signal);
        return;
      }
      const pipeline = await createPipeline(config, { source: 'sift query', onWarn: (m) => ctx.io.stderr.write(`sift: warning: ${m}\n`) });
      try {
        const r = await pipeline.query(query, { signal: ctx.signal });
        const results = r.chunks.map(toResult);
        const selection = summary(r.selection);
        const out: QueryOutput = { query, results, selection };
        await writeOut(ctx.io.stdout, flags.json ? `${JSON.stringify(out)}\n` : formatResults(results, selection, config.selector !== undefined || config.budget !== undefined), ctx.signal);
      } finally {
        await pipeline.close();
      }
    });
}

function summary(s: SelectionSummary): QueryOutput['selection'] {
  return { name: s.name, budget: s.budget, tokens: s.tokens };
}

function toResult(c: ScoredChunk, i: number): QueryResult {
  return { rank: i + 1, score: c.score, docId: c.docId, chunkId: c.id, start: c.start, end: c.end, text: c.text, tokenCount: c.tokenCount };
}

function formatResults(results: QueryResult[], selection: QueryOutput['selection'], selected: boolean): string {
  const footer = selected ? `selection: ${selection.name}${selection.budget !== null ? `, budget ${selection.budget}` : ''}: ${results.length} chunks, ${selection.tokens} tokens\n` : '';
  if (results.length === 0) return `no results\n${footer}`;
  return (
    results
      .map((r) => {
        const preview = r.text.replace(/\s+/g, ' ').trim();
        const short = preview.length > 240 ? `${preview.slice(0, 240)}…` : preview;
        return `${String(r.rank).padStart(2)}. ${r.score.toFixed(4)}  ${r.docId} [${r.start}, ${r.end})  ${r.tokenCount} tokens\n    ${short}\n`;
      })
      .join('') + footer
  );
}
