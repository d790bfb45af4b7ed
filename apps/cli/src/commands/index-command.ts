import { DEFAULT_MAX_FILE_BYTES, embeddingCacheDirFromEnv, SiftError, type EmbeddedCounts, type InputIssue } from '@sift/core';
import { addEmbedded, embeddedLine, type EmbeddedTotals } from '../embedded-counts.js';
import { createPipeline, type Pipeline, type PipelineConfig } from '@sift/pipeline';
import { isRemoteIndexUri, parseShard, type RemoteFinalizeResult } from '@sift/retrievers';
import { Command, Option } from 'commander';
import type { CliContext } from '../cli-context.js';
import { CHUNKER_NAMES, TOKENIZER_NAMES, type ChunkerFlags } from '../chunker-from-flags.js';
import { loadConfig } from '../config/load-config.js';
import { intArg, listArg, pick } from '../options.js';
import { resolveArg } from '../paths.js';
import { createProgressView, progressFlag } from '../progress.js';
import { writeOut } from '../write-out.js';
import { configFromFlags } from './pipeline-flags.js';

interface IndexFlags extends ChunkerFlags {
  index?: string;
  embedder?: string;
  retriever?: string;
  strict?: boolean;
  ext?: string[];
  rebuild?: boolean;
  sync?: boolean;
  graph?: boolean;
  config?: string;
  progress?: boolean;
  maxFileSize?: number;
  shard?: string;
  finalize?: boolean;
}

/**
 * `sift index <paths…>`: stream documents into the index folder through the pipeline. Bad files are named on
 * stderr and skipped; the add commits once at the end, so Ctrl-C or an error leaves the index at its previous commit.
 */
export function indexCommand(ctx: CliContext): Command {
  return new Command('index')
    .description('add files and folders (.txt .md .json .jsonl) to an index on disk; unchanged documents are skipped')
    .argument('[paths...]', 'files or folders to index (none with --finalize alone)')
    .option('--index <dir>', 'index folder (default: .sift), or an object-store index s3://bucket/path (also gs://, az://)')
    .addOption(new Option('--chunker <name>', 'chunking method (default: recursive, or what the index was built with)').choices(CHUNKER_NAMES))
    .option('--size <n>', 'largest chunk in tokens (default: 512)', intArg(1))
    .option('--overlap <n>', 'tokens repeated from the previous chunk (default: 0)', intArg(0))
    .option('--lm <model>', 'LM of the ppl and margin chunkers: kn, sift-lm-mini, sift-lm-margin or an ONNX decoder folder')
    .addOption(new Option('--tokenizer <name>', 'what sizes count (default: cl100k)').choices(TOKENIZER_NAMES))
    .option('--embedder <spec>', 'also store vectors (and embed for the embedding chunkers): use-lite, or a local Hugging Face ONNX encoder folder')
    .option(
      '--retriever <name>',
      'the retriever to prepare for: bm25 | dense | hybrid | graph:bm25 | graph:dense | graph:hybrid; dense and hybrid store vectors (embedder default: use-lite), graph:* builds the graph',
    )
    .option('--ext <list>', 'extensions read inside folders (default: txt,md,json,jsonl)', listArg)
    .option('--strict', 'exit 1 when any input file was skipped (the good ones are still indexed)')
    .option('--rebuild', 'replace an existing index instead of adding to it')
    .option('--sync', 'also remove indexed documents whose files are gone')
    .option('--graph', 'also build the passage–entity graph for --retriever graph:bm25|graph:hybrid (kept up to date by later adds)')
    .option('--config <file>', 'read defaults from this file instead of ./sift.config.json')
    .option('--max-file-size <MiB>', `largest file read as one document, in MiB (default: ${DEFAULT_MAX_FILE_BYTES / 2 ** 20}); larger ones are skipped`, intArg(1))
    .option('--shard <i/n>', 'object-store index only: index just slice i of n of the input (by document id), as one of n parallel workers')
    .option('--finalize', 'object-store index only: build its LanceDB full-text, vector and id indexes (after all shard workers are done)')
    .addOption(progressFlag())
    .action(async (paths: string[], flags: IndexFlags) => {
      const started = performance.now();
      if (paths.length === 0 && !flags.finalize) throw new SiftError('E_BAD_INPUT', 'sift index: give the files or folders to index (or --finalize alone)');
      const shard = flags.shard !== undefined ? parseShard(flags.shard) : undefined;
      const cfg = await loadConfig(ctx.io, flags.config);
      const config: PipelineConfig = configFromFlags(ctx, cfg, flags as Record<string, unknown>, ['chunker', 'size', 'overlap', 'tokenizer', 'embedder', 'retriever', 'graph']);
      // --lm names the LM of the ppl/margin chunkers: it goes into the chunker object (size etc. still merge in).
      if (typeof flags.lm === 'string') {
        config.chunker = { ...(typeof config.chunker === 'object' ? config.chunker : { chunker: config.chunker ?? 'recursive' }), lm: flags.lm } as PipelineConfig['chunker'];
      }
      if ((flags.finalize || shard) && !isRemoteIndexUri(String(config.index))) {
        throw new SiftError('E_BAD_CONFIG', `--${flags.finalize ? 'finalize' : 'shard'} is for an object-store index (--index s3://bucket/path); ${config.index} is a local folder`, {
          details: { key: flags.finalize ? 'finalize' : 'shard' },
        });
      }
      const roots = paths.map((p) => resolveArg(ctx.io, p));
      const ext = flags.ext ?? (typeof cfg.ext === 'string' ? listArg(cfg.ext) : cfg.ext);
      const issues: InputIssue[] = [];
      const progress = createProgressView(ctx.io, 'index', 'files', flags.progress);
      let files: { done: number; total: number | undefined } = { done: 0, total: undefined };
      // The persistent embedding cache shared with sift eval (SIFT_EMBEDDING_CACHE=off disables it); its counts are
      // summed and printed once the bar is gone.
      const embedded: EmbeddedTotals = { texts: 0, embedded: 0, cached: 0, calls: 0 };
      const cacheDir = embeddingCacheDirFromEnv(ctx.io.env);
      const pipeline = await createPipeline(config, {
        source: 'sift index',
        onWarn: (m) => ctx.io.stderr.write(`sift: warning: ${m}\n`),
        ...(cacheDir ? { embedderOptions: { embeddingCacheDir: cacheDir, onEmbedded: (c: EmbeddedCounts) => addEmbedded(embedded, c) } } : {}),
      });
      try {
        if (paths.length === 0) return await finalizeOnly(ctx, pipeline, started);
        const result = await pipeline.index(roots, {
          ...(shard ? { shard } : {}),
          ...(flags.rebuild ? { rebuild: true } : {}),
          ...(flags.sync ? { sync: true } : {}),
          ...(ext ? { ext } : {}),
          ...(flags.maxFileSize !== undefined ? { maxFileBytes: flags.maxFileSize * 2 ** 20 } : {}),
          signal: ctx.signal,
          onIssue: (issue) => {
            issues.push(issue);
            ctx.reportIssue(issue);
          },
          // Files read, then (the slow part) texts embedded, shown as the bar's status so it never looks frozen.
          onProgress: (p) => {
            if (p.unit === 'texts') progress.update(files.done, files.total, `embedding: ${p.done} texts`);
            else {
              files = { done: p.done, total: p.total };
              progress.update(p.done, p.total);
            }
          },
        });
        progress.stop();
        ctx.io.stderr.write(embeddedLine(embedded));
        if (flags.finalize) await writeOut(ctx.io.stdout, finalizeLine(await finalizeOf(pipeline)), ctx.signal);
        const stats = await pipeline.stats();
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        await writeOut(
          ctx.io.stdout,
          `indexed ${result.added} new, ${result.replaced} changed, ${result.skipped} unchanged documents: ${result.chunks} chunks written, ` +
            `${issues.length} file${issues.length === 1 ? '' : 's'} skipped, ${seconds}s` +
            (shard ? ` (shard ${flags.shard})` : '') +
            '\n' +
            (flags.sync ? `removed ${result.removed} document${result.removed === 1 ? '' : 's'} whose files are gone\n` : '') +
            `index ${stats.index}: ${stats.documents} documents, ${stats.chunks} chunks, version ${stats.version ?? 0}\n`,
          ctx.signal,
        );
      } finally {
        progress.stop();
        await pipeline.close();
      }
      if (pick(flags.strict, cfg.strict, false) && issues.length > 0) {
        throw new SiftError('E_BAD_INPUT', `${issues.length} input file${issues.length === 1 ? ' was' : 's were'} skipped (--strict)`, {
          details: { files: issues.map((i) => i.file) },
        });
      }
    });
}

async function finalizeOf(pipeline: Pipeline): Promise<RemoteFinalizeResult> {
  const result = await pipeline.finalize();
  if (!result) throw new SiftError('E_BAD_CONFIG', '--finalize is for an object-store index (s3://bucket/path); a local index keeps its indexes current on every add');
  return result;
}

function finalizeLine(r: RemoteFinalizeResult): string {
  const indexes = Object.entries(r.indexes)
    .map(([column, kind]) => `${column} ${kind}`)
    .join(', ');
  return `finalized: ${r.documents} documents, ${r.chunks} chunks; indexes: ${indexes}; ${r.seconds.toFixed(1)}s\n`;
}

/** `sift index --finalize` with no paths: build the object-store index's LanceDB indexes and report them. */
async function finalizeOnly(ctx: CliContext, pipeline: Pipeline, started: number): Promise<void> {
  const result = await finalizeOf(pipeline);
  const stats = await pipeline.stats();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  await writeOut(ctx.io.stdout, finalizeLine(result) + `index ${stats.index}: ${stats.documents} documents, ${stats.chunks} chunks, version ${stats.version ?? 0}, ${seconds}s\n`, ctx.signal);
}
