import type { Embedder, ScoredChunk } from '@sift/core';
import type { RetrieverSpec } from '@sift/retrievers';
import { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { loadConfig } from '../config/load-config.js';
import { embedderForIndex } from '../embedder-for-index.js';
import { openIndex } from '../index-dir.js';
import { intArg, pick } from '../options.js';
import { resolveArg } from '../paths.js';
import { writeOut } from '../write-out.js';

interface QueryFlags {
  index?: string;
  k?: number;
  retriever?: string;
  embedder?: string;
  json?: boolean;
  config?: string;
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
}

/** `sift query "<q>"`: ranked chunks from the index on disk (opened, never rebuilt). */
export function queryCommand(ctx: CliContext): Command {
  return new Command('query')
    .description('search an index and print the best chunks with score, document and offsets')
    .argument('<query>', 'what to look for')
    .option('--index <dir>', 'index folder (default: .sift)')
    .option('-k, --k <n>', 'number of results (default: 10)', intArg(1))
    .option('--retriever <name>', 'bm25 | dense | hybrid | graph:bm25 | graph:hybrid (default: hybrid when the index has vectors, else bm25; graph:* needs `sift index --graph`)')
    .option('--embedder <spec>', 'embedder for dense/hybrid (default: the one the index was built with)')
    .option('--json', 'print {query, results:[{rank, score, docId, chunkId, start, end, text}]}')
    .option('--config <file>', 'read defaults from this file instead of ./sift.config.json')
    .action(async (query: string, flags: QueryFlags) => {
      const cfg = await loadConfig(ctx.io, flags.config);
      const dir = resolveArg(ctx.io, pick(flags.index, cfg.index, '.sift'));
      const k = pick(flags.k, cfg.k, 10);
      const index = await openIndex(dir);
      let embedder: Embedder | undefined;
      try {
        const stats = await index.stats();
        const retrieverName = pick(flags.retriever, cfg.retriever, stats.embedder ? 'hybrid' : 'bm25');
        if (/^(graph:)?(dense|hybrid)$/.test(retrieverName)) embedder = await embedderForIndex(stats, pick(flags.embedder, cfg.embedder, undefined));
        // The spec is validated by the index (graph:<first> expands to { retriever: 'graph', first }).
        const retriever = await index.retriever({ retriever: retrieverName } as RetrieverSpec, { ...(embedder ? { embedder } : {}), signal: ctx.signal });
        const hits = await retriever.retrieve(query, k, { signal: ctx.signal });
        const results = hits.map(toResult);
        await writeOut(ctx.io.stdout, flags.json ? `${JSON.stringify({ query, results })}\n` : formatResults(results), ctx.signal);
      } finally {
        await embedder?.close?.();
        await index.close();
      }
    });
}

function toResult(c: ScoredChunk, i: number): QueryResult {
  return { rank: i + 1, score: c.score, docId: c.docId, chunkId: c.id, start: c.start, end: c.end, text: c.text };
}

function formatResults(results: QueryResult[]): string {
  if (results.length === 0) return 'no results\n';
  return results
    .map((r) => {
      const preview = r.text.replace(/\s+/g, ' ').trim();
      const short = preview.length > 240 ? `${preview.slice(0, 240)}…` : preview;
      return `${String(r.rank).padStart(2)}. ${r.score.toFixed(4)}  ${r.docId} [${r.start}, ${r.end})\n    ${short}\n`;
    })
    .join('');
}
