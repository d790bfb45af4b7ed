import { createEmbedder, DEFAULT_MAX_FILE_BYTES, readDocuments, readTextStream, type Chunk, type Chunker, type Document, type Embedder } from '@sift/core';
import { Command, Option } from 'commander';
import type { CliContext } from '../cli-context.js';
import {
  buildChunker,
  CHUNKER_NAMES,
  chunkerNeedsEmbedder,
  givenChunkerSettings,
  TOKENIZER_NAMES,
  type ChunkerFlags,
} from '../chunker-from-flags.js';
import { loadConfig } from '../config/load-config.js';
import type { SiftConfig } from '../config/sift-config.js';
import { intArg, listArg } from '../options.js';
import { resolveArg } from '../paths.js';
import { writeOut } from '../write-out.js';

interface ChunkFlags extends ChunkerFlags {
  format?: 'jsonl' | 'text';
  embedder?: string;
  ext?: string[];
  config?: string;
  maxFileSize?: number;
}

/** Flush stdout in pieces of about this many characters (fewer writes, bounded memory). */
const FLUSH_CHARS = 1 << 16;

/** `sift chunk <path|->`: print the chunks of a file, a folder or stdin. */
export function chunkCommand(ctx: CliContext): Command {
  return new Command('chunk')
    .description('split documents into chunks and print them (JSONL: one {docId,start,end,text,tokenCount,…} per line)')
    .argument('<path>', 'a file, a folder, or - for stdin')
    .addOption(new Option('--chunker <name>', 'chunking method (default: recursive)').choices(CHUNKER_NAMES))
    .option('--size <n>', 'largest chunk in tokens (default: 512)', intArg(1))
    .option('--overlap <n>', 'tokens repeated from the previous chunk (default: 0)', intArg(0))
    .option('--lm <model>', 'LM of the ppl and margin chunkers: kn, sift-lm-mini, sift-lm-margin or an ONNX decoder folder')
    .addOption(new Option('--tokenizer <name>', 'what sizes count (default: cl100k)').choices(TOKENIZER_NAMES))
    .option('--embedder <spec>', 'embedder for the semantic, embedding-depth and pair-classifier chunkers (default: use-lite)')
    .addOption(new Option('--format <format>', 'output format').choices(['jsonl', 'text']).default('jsonl'))
    .option('--ext <list>', 'extensions read inside folders (default: txt,md,json,jsonl)', listArg)
    .option('--config <file>', 'read defaults from this file instead of ./sift.config.json')
    .option('--max-file-size <MiB>', `largest file (or stdin) read as one document, in MiB (default: ${DEFAULT_MAX_FILE_BYTES / 2 ** 20})`, intArg(1))
    .action(async (input: string, flags: ChunkFlags) => {
      const cfg = await loadConfig(ctx.io, flags.config);
      const given = givenChunkerSettings(flags, cfg);
      const embedder: Embedder | undefined = chunkerNeedsEmbedder(given) ? await createEmbedder(flags.embedder ?? cfg.embedder ?? 'use-lite') : undefined;
      try {
        await chunkAll(ctx, input, flags, cfg, await buildChunker(given, embedder));
      } finally {
        await embedder?.close?.();
      }
    });
}

/** Stream documents through the chunker to stdout, in pieces of about FLUSH_CHARS. */
async function chunkAll(ctx: CliContext, input: string, flags: ChunkFlags, cfg: SiftConfig, { chunker }: { chunker: Chunker }): Promise<void> {
  const ext = flags.ext ?? (typeof cfg.ext === 'string' ? listArg(cfg.ext) : cfg.ext);
  let issues = 0;
  const maxFileBytes = flags.maxFileSize !== undefined ? flags.maxFileSize * 2 ** 20 : DEFAULT_MAX_FILE_BYTES;
  const docs: AsyncIterable<Document> =
    input === '-'
      ? stdinDocument(ctx, maxFileBytes)
      : readDocuments([resolveArg(ctx.io, input)], {
          ...(ext ? { extensions: ext } : {}),
          maxFileBytes,
          signal: ctx.signal,
          onIssue: (issue) => {
            issues++;
            ctx.reportIssue(issue);
          },
        });
  let docCount = 0;
  let buffer = '';
  for await (const doc of docs) {
    docCount++;
    for await (const chunk of chunker.chunk(doc, { signal: ctx.signal })) {
      buffer += flags.format === 'text' ? formatText(chunk) : formatJsonl(chunk);
      if (buffer.length >= FLUSH_CHARS) {
        await writeOut(ctx.io.stdout, buffer, ctx.signal);
        buffer = '';
      }
    }
  }
  if (buffer !== '') await writeOut(ctx.io.stdout, buffer, ctx.signal);
  // Nothing readable at all: the issues above said why; fail so that scripts notice.
  if (docCount === 0 && issues > 0) ctx.setExitCode(1);
}

/** Stdin as one document, decoded as it streams and stopped past the size limit (`< /dev/zero` must not grow). */
async function* stdinDocument(ctx: CliContext, maxBytes: number): AsyncGenerator<Document> {
  const text = await readTextStream(ctx.io.stdin as AsyncIterable<Uint8Array | string>, '<stdin>', { maxBytes, signal: ctx.signal });
  yield { id: 'stdin', text, source: '-', metadata: {} };
}

/** The contract other tools rely on: these keys first, in this order. */
function formatJsonl(c: Chunk): string {
  return `${JSON.stringify({ docId: c.docId, start: c.start, end: c.end, text: c.text, tokenCount: c.tokenCount, id: c.id, metadata: c.metadata })}\n`;
}

function formatText(c: Chunk): string {
  return `--- ${c.id} [${c.start}, ${c.end}) ${c.tokenCount} tokens\n${c.text}\n`;
}
