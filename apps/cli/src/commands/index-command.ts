import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { createEmbedder, readDocuments, SiftError, type Embedder, type InputIssue } from '@sift/core';
import { graphIndexExtension, GRAPH_EXTENSION, HnswExtension, MANIFEST_FILE, SiftIndex, type IndexExtension } from '@sift/retrievers';
import { Command, Option } from 'commander';
import type { CliContext } from '../cli-context.js';
import {
  buildChunker,
  CHUNKER_NAMES,
  chunkerNeedsEmbedder,
  givenChunkerSettings,
  sameChunkerConfig,
  TOKENIZER_NAMES,
  type ChunkerFlags,
} from '../chunker-from-flags.js';
import { loadConfig } from '../config/load-config.js';
import { RETRIEVER_CHOICES, type RetrieverChoice } from '../config/sift-config.js';
import { embedderForIndex } from '../embedder-for-index.js';
import { intArg, listArg, pick } from '../options.js';
import { resolveArg } from '../paths.js';
import { createProgressView } from '../progress.js';
import { writeOut } from '../write-out.js';

interface IndexFlags extends ChunkerFlags {
  index?: string;
  embedder?: string;
  retriever?: RetrieverChoice;
  strict?: boolean;
  ext?: string[];
  rebuild?: boolean;
  graph?: boolean;
  config?: string;
}

/**
 * `sift index <paths…>`: stream documents into the index folder. Bad files are named on stderr and skipped;
 * the add commits once at the end, so Ctrl-C or an error leaves the index at its previous commit.
 */
export function indexCommand(ctx: CliContext): Command {
  return new Command('index')
    .description('add files and folders (.txt .md .json .jsonl) to an index on disk; unchanged documents are skipped')
    .argument('<paths...>', 'files or folders to index')
    .option('--index <dir>', 'index folder (default: .sift)')
    .addOption(new Option('--chunker <name>', 'chunking method (default: recursive, or what the index was built with)').choices(CHUNKER_NAMES))
    .option('--size <n>', 'largest chunk in tokens (default: 512)', intArg(1))
    .option('--overlap <n>', 'tokens repeated from the previous chunk (default: 0)', intArg(0))
    .addOption(new Option('--tokenizer <name>', 'what sizes count (default: cl100k)').choices(TOKENIZER_NAMES))
    .option('--embedder <spec>', 'also store vectors (and embed for the embedding chunkers): use-lite, or a local Hugging Face ONNX encoder folder')
    .addOption(
      new Option(
        '--retriever <name>',
        'the retriever to prepare for: dense and hybrid store vectors (embedder default: use-lite), graph:* builds the graph',
      ).choices(RETRIEVER_CHOICES),
    )
    .option('--ext <list>', 'extensions read inside folders (default: txt,md,json,jsonl)', listArg)
    .option('--strict', 'exit 1 when any input file was skipped (the good ones are still indexed)')
    .option('--rebuild', 'replace an existing index instead of adding to it')
    .option('--graph', 'also build the passage–entity graph for --retriever graph:bm25|graph:hybrid (kept up to date by later adds)')
    .option('--config <file>', 'read defaults from this file instead of ./sift.config.json')
    .action(async (paths: string[], flags: IndexFlags) => {
      const started = performance.now();
      const cfg = await loadConfig(ctx.io, flags.config);
      const dir = resolveArg(ctx.io, pick(flags.index, cfg.index, '.sift'));
      const ext = flags.ext ?? (typeof cfg.ext === 'string' ? listArg(cfg.ext) : cfg.ext);
      const retrieverName = pick(flags.retriever, cfg.retriever, 'bm25');
      const given = givenChunkerSettings(flags, cfg);
      const reuse = flags.rebuild !== true && existsSync(path.join(dir, MANIFEST_FILE));
      const roots = paths.map((p) => resolveArg(ctx.io, p));
      // A mistyped path must fail before an index folder is created for it.
      for (const root of roots) {
        await stat(root).catch((cause: NodeJS.ErrnoException) => {
          throw new SiftError('E_INPUT_UNREADABLE', `${root}: cannot read (${cause.code ?? cause.message})`, { cause, details: { file: root } });
        });
      }

      let index: SiftIndex | undefined;
      let embedder: Embedder | undefined;
      let chunkEmbedder: Embedder | undefined;
      const issues: InputIssue[] = [];
      const progress = createProgressView(ctx.io, 'index', 'files');
      try {
        if (reuse) {
          index = await SiftIndex.open(dir);
        }
        const built = index ? await index.stats() : undefined;
        const embedderSpec = pick(flags.embedder, cfg.embedder, /(dense|hybrid)$/.test(retrieverName) ? 'use-lite' : undefined);
        if (built?.embedder) embedder = await embedderForIndex(built, flags.embedder ?? cfg.embedder);
        else if (embedderSpec !== undefined) embedder = await createEmbedder(embedderSpec);
        // An index keeps the chunker and embedder it was built with: mixed chunk sizes or vector spaces would
        // make its scores meaningless. Changing them takes --rebuild.
        const recorded = index?.manifest.chunker ?? undefined;
        // The embedding-based chunkers use the index's embedder, or use-lite without storing vectors.
        if (!embedder && chunkerNeedsEmbedder(given, recorded)) chunkEmbedder = await createEmbedder('use-lite');
        const { chunker, config } = await buildChunker(given, recorded, embedder ?? chunkEmbedder);
        if (recorded && 'chunker' in recorded && !sameChunkerConfig(recorded, { name: chunker.name, ...config })) {
          throw new SiftError(
            'E_BAD_CONFIG',
            `index ${dir} was built with ${describeChunker(recorded)}, not ${describeChunker(config)}; add --rebuild to re-index with the new settings`,
            { details: { key: 'chunker' } },
          );
        }

        index ??= await SiftIndex.create(dir, {
          chunker: { name: chunker.name, ...config },
          tokenizer: config.tokenizer,
          ...(embedder ? { embedder: { id: embedder.id, dim: embedder.dim } } : {}),
          ifExists: 'overwrite',
        });

        const docs = readDocuments(
          roots,
          {
            ...(ext ? { extensions: ext } : {}),
            signal: ctx.signal,
            onIssue: (issue) => {
              issues.push(issue);
              ctx.reportIssue(issue);
            },
            onProgress: (p) => progress.update(p.done, p.total),
          },
        );
        // With vectors, keep an HNSW graph beside them so that dense queries need not scan every vector.
        const extensions: IndexExtension[] = embedder ? [new HnswExtension()] : [];
        // Once an index has an entity graph, every add keeps it in step (a stale graph misses new pages).
        const wantsGraph = flags.graph === true || retrieverName.startsWith('graph:');
        if (wantsGraph || index.manifest.extensions[GRAPH_EXTENSION] !== undefined) extensions.push(graphIndexExtension(index));
        const result = await index.add(docs, {
          chunker,
          ...(embedder ? { embedder } : {}),
          extensions,
          signal: ctx.signal,
        });
        progress.stop();
        const stats = await index.stats();
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        await writeOut(
          ctx.io.stdout,
          `indexed ${result.added} new, ${result.replaced} changed, ${result.skipped} unchanged documents: ${result.chunks} chunks written, ` +
            `${issues.length} file${issues.length === 1 ? '' : 's'} skipped, ${seconds}s\n` +
            `index ${dir}: ${stats.documents} documents, ${stats.chunks} chunks, version ${stats.version}\n`,
          ctx.signal,
        );
      } finally {
        progress.stop();
        await embedder?.close?.();
        await chunkEmbedder?.close?.();
        await index?.close();
      }
      if (pick(flags.strict, cfg.strict, false) && issues.length > 0) {
        throw new SiftError('E_BAD_INPUT', `${issues.length} input file${issues.length === 1 ? ' was' : 's were'} skipped (--strict)`, {
          details: { files: issues.map((i) => i.file) },
        });
      }
    });
}

function describeChunker(c: Record<string, unknown>): string {
  return `chunker ${String(c.chunker ?? c.name)} (size ${String(c.size)}, overlap ${String(c.overlap)}, tokenizer ${String(c.tokenizer)})`;
}
