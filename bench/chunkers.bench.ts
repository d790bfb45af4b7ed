// Chunking throughput on the Paul Graham essays (read from ../shared/datasets, concatenated ×8; --quick ×1) for
// Sift's token, sentence and recursive chunkers next to @chonkiejs/core and @langchain/textsplitters at the same
// sizes: 512 characters (Sift's 'char' tokenizer, the peers' default character length) and 128 and 512 cl100k tokens
// (peers given gpt-tokenizer's own cl100k counter where they accept one, which is what a chonkiejs user plugs in; the
// rows marked "Sift's counter" give chonkiejs Sift's faster cl100k count instead, to show the chunking alone).
// SIFT_BENCH_CHUNKERS_JOBS=recursive-char,sentence-128,… runs only the named jobs (family-size; size char, 128 or 512). Runs alternate between implementations; the
// machine is shared, so MB/s is per second of this process's CPU time (user + system, median of the runs), with
// wall-clock MB/s beside it. Offsets and sizes are checked outside the timing.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { RecursiveChunker as ChonkieRecursive, SentenceChunker as ChonkieSentence, TokenChunker as ChonkieToken } from '@chonkiejs/core';
import { RecursiveCharacterTextSplitter } from '@langchain/textsplitters';
import { createChunker, type ChunkerConfig } from '@sift/chunkers';
import { collect, createTokenizer } from '@sift/core';
import gptCl100k from 'gpt-tokenizer/encoding/cl100k_base';
import { datasetsDir, log, mdTable } from './_bench-utils.js';

const CHAR_SIZE = 512;
const TOKEN_SIZE = 128;
// chonkiejs' TokenChunker rebuilds every chunk's offsets from the start of the text (quadratic), so the token rows
// run on a prefix for every implementation.
const TOKEN_PREFIX_KIB = { full: 256, quick: 32 };
const WARMUP_RUNS = 3;
/** Runs per timed block at character size (each run there is well under 0.1 s). */
const CHAR_INNER = 4;

interface Impl {
  impl: string;
  family: 'token' | 'sentence' | 'recursive';
  /** Chunk texts, and spans where the implementation reports them (null: it does not). */
  run: (text: string) => Promise<{ texts: string[]; spans: Array<[number, number]> | null }>;
}

interface Row {
  size: string;
  family: string;
  impl: string;
  /** MB per CPU-second (median run). */
  mbPerSec: number;
  /** MB per wall-clock second (median run). */
  wallMbPerSec: number;
  cpuMs: number;
  wallMs: number;
  chunks: number;
  /** Chunks whose real size (code points, or cl100k tokens) exceeds the budget. */
  overSize: number;
  exactOffsets: boolean | null;
  textBytes: number;
}

function loadEssays(copies: number): { text: string; files: number } {
  const dir = path.join(datasetsDir(), 'paul-graham-essays');
  if (!existsSync(dir)) throw new Error(`chunkers bench needs the Paul Graham essays at ${dir} (see ../shared/datasets/MANIFEST.md)`);
  const files = readdirSync(dir).filter((f) => f.endsWith('.txt')).sort();
  const one = files.map((f) => readFileSync(path.join(dir, f), 'utf8')).join('\n\n');
  return { text: Array.from({ length: copies }, () => one).join('\n\n'), files: files.length };
}

const sift = (family: Impl['family'], config: ChunkerConfig): Impl => ({
  impl: 'sift',
  family,
  run: async (text) => {
    const chunker = await createChunker(config);
    const chunks = await collect(chunker.chunk({ id: 'pg', text, metadata: {} }));
    return { texts: chunks.map((c) => c.text), spans: chunks.map((c) => [c.start, c.end]) };
  },
});

type ChonkieChunk = { text: string; startIndex: number; endIndex: number };
const chonkie = (family: Impl['family'], make: () => Promise<{ chunk(t: string): Promise<ChonkieChunk[]> }>, impl = 'chonkiejs'): Impl => ({
  impl,
  family,
  run: async (text) => {
    const chunks = await (await make()).chunk(text);
    return { texts: chunks.map((c) => c.text), spans: chunks.map((c) => [c.startIndex, c.endIndex]) };
  },
});

const langchain = (lengthFunction?: (t: string) => number, size = CHAR_SIZE): Impl => ({
  impl: 'langchain',
  family: 'recursive',
  run: async (text) => {
    const splitter = new RecursiveCharacterTextSplitter({ chunkSize: size, chunkOverlap: 0, ...(lengthFunction ? { lengthFunction } : {}) });
    return { texts: await splitter.splitText(text), spans: null };
  },
});

/** What chonkiejs needs of a tokenizer; cl100k counts agree with Sift's (special-token strings as plain text). */
interface CountingTokenizer {
  count(t: string): number;
  encode(t: string): number[];
  decode(ids: readonly number[]): string;
}

/** chonkiejs accepts any object with its tokenizer methods. */
function chonkieTokenizer(tok: CountingTokenizer) {
  return {
    countTokens: (t: string) => tok.count(t),
    encode: (t: string) => tok.encode(t),
    decode: (ids: number[]) => tok.decode(ids),
    decodeBatch: (batch: number[][]) => batch.map((ids) => tok.decode(ids)),
  };
}

const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };
/** gpt-tokenizer's own cl100k, as a chonkiejs or LangChain user would plug it in. */
const gptTokenizer: CountingTokenizer = {
  count: (t) => gptCl100k.countTokens(t, PLAIN_TEXT),
  encode: (t) => gptCl100k.encode(t, PLAIN_TEXT),
  decode: (ids) => gptCl100k.decode(ids),
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * `reps` timed blocks per implementation, alternating between implementations; a block is `inner` runs back to back,
 * timed together. Blocks of several runs keep most of one implementation's garbage collection inside its own
 * timing: with single alternating runs, a collection of what one implementation left landed in its neighbour's run
 * (sentence chunking by characters measured 1.1× to 1.8× chonkiejs run to run; 30 runs in a row of each: 1.4–1.7×).
 */
async function measure(size: string, budget: { size: number; count: (t: string) => number }, text: string, impls: Impl[], reps: number, inner = 1): Promise<Row[]> {
  const bytes = Buffer.byteLength(text, 'utf8');
  const cpu = impls.map(() => [] as number[]);
  const wall = impls.map(() => [] as number[]);
  const outputs: Array<Awaited<ReturnType<Impl['run']>>> = [];
  // Warm-up (the JIT needs a few runs on small inputs), keeping the output to check.
  for (let w = 0; w < WARMUP_RUNS; w++) for (const [k, impl] of impls.entries()) outputs[k] = await impl.run(text);
  for (let r = 0; r < reps; r++) {
    // Alternate the order so that no implementation always runs right after the same neighbour.
    const order = r % 2 === 0 ? [...impls.entries()] : [...impls.entries()].reverse();
    for (const [k, impl] of order) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < inner; i++) await impl.run(text);
      wall[k]!.push((performance.now() - t0) / inner);
      const c = process.cpuUsage(c0);
      cpu[k]!.push((c.user + c.system) / 1000 / inner);
    }
  }
  return impls.map((impl, k) => {
    const { texts, spans } = outputs[k]!;
    const cpuMs = median(cpu[k]!);
    const wallMs = median(wall[k]!);
    log(`chunkers: ${size} ${impl.family} ${impl.impl}: ${cpuMs.toFixed(1)} ms CPU, ${wallMs.toFixed(1)} ms wall, ${texts.length} chunks`);
    return {
      size,
      family: impl.family,
      impl: impl.impl,
      mbPerSec: bytes / 1e6 / (cpuMs / 1000),
      wallMbPerSec: bytes / 1e6 / (wallMs / 1000),
      cpuMs,
      wallMs,
      chunks: texts.length,
      overSize: texts.filter((t) => budget.count(t) > budget.size).length,
      exactOffsets: spans === null ? null : spans.every(([s, e], i) => text.slice(s, e) === texts[i]),
      textBytes: bytes,
    };
  });
}

export default {
  name: 'chunkers',
  description: `MB/s of Sift's chunkers vs @chonkiejs/core and LangChain on the Paul Graham essays ×8 at ${CHAR_SIZE} chars and ${TOKEN_SIZE} and 512 cl100k tokens`,
  async run(opts: { quick: boolean; json: boolean }) {
    const copies = opts.quick ? 1 : 8;
    const reps = opts.quick ? 5 : 9;
    const tokenReps = opts.quick ? 2 : 3;
    const { text, files } = loadEssays(copies);
    const prefixKiB = opts.quick ? TOKEN_PREFIX_KIB.quick : TOKEN_PREFIX_KIB.full;
    const prefix = text.slice(0, prefixKiB * 1024);
    const cl100k = await createTokenizer('cl100k');
    const chars = await createTokenizer('char');
    const byChars = { size: CHAR_SIZE, count: (t: string) => chars.count(t) };
    const byTokens = { size: TOKEN_SIZE, count: (t: string) => cl100k.count(t) };
    // Sift's cl100k must count exactly as gpt-tokenizer does, or the peers' rows would size chunks differently.
    if (cl100k.count(text.slice(0, 20000)) !== gptTokenizer.count(text.slice(0, 20000))) throw new Error('Sift and gpt-tokenizer disagree on cl100k counts');
    log(`chunkers: ${files} essays ×${copies} = ${text.length} chars; ${reps} timed runs at char size, ${tokenReps} at token size`);

    const charSize = `${CHAR_SIZE} chars`;
    const tokSize = (n: number) => `${n} cl100k`;
    const prefixNote = ` (first ${prefixKiB} KiB)`;
    const bySize = (n: number) => ({ size: n, count: (t: string) => cl100k.count(t) });
    const siftCounter = "chonkiejs (Sift's counter)";
    const jobs: Array<[string, () => Promise<Row[]>]> = [
      ['recursive-char', () => measure(charSize, byChars, text, [
        sift('recursive', { chunker: 'recursive', size: CHAR_SIZE, tokenizer: 'char' }),
        chonkie('recursive', () => ChonkieRecursive.create({ chunkSize: CHAR_SIZE })),
        langchain(),
      ], reps, CHAR_INNER)],
      ['sentence-char', () => measure(charSize, byChars, text, [
        sift('sentence', { chunker: 'sentence', size: CHAR_SIZE, tokenizer: 'char' }),
        chonkie('sentence', () => ChonkieSentence.create({ chunkSize: CHAR_SIZE })),
      ], reps, CHAR_INNER)],
      ['token-char', () => measure(charSize + prefixNote, byChars, prefix, [
        sift('token', { chunker: 'token', size: CHAR_SIZE, tokenizer: 'char' }),
        chonkie('token', () => ChonkieToken.create({ chunkSize: CHAR_SIZE })),
      ], tokenReps)],
      ...[TOKEN_SIZE, 512].map((n): [string, () => Promise<Row[]>] => [`recursive-${n}`, () => measure(tokSize(n), bySize(n), text, [
        sift('recursive', { chunker: 'recursive', size: n, tokenizer: 'cl100k' }),
        chonkie('recursive', () => ChonkieRecursive.create({ chunkSize: n, tokenizer: chonkieTokenizer(gptTokenizer) as never })),
        chonkie('recursive', () => ChonkieRecursive.create({ chunkSize: n, tokenizer: chonkieTokenizer(cl100k) as never }), siftCounter),
        ...(n === TOKEN_SIZE ? [langchain(gptTokenizer.count, n)] : []),
      ], tokenReps)]),
      [`sentence-${TOKEN_SIZE}`, () => measure(tokSize(TOKEN_SIZE), byTokens, text, [
        sift('sentence', { chunker: 'sentence', size: TOKEN_SIZE, tokenizer: 'cl100k' }),
        chonkie('sentence', () => ChonkieSentence.create({ chunkSize: TOKEN_SIZE, tokenizer: chonkieTokenizer(gptTokenizer) as never })),
        chonkie('sentence', () => ChonkieSentence.create({ chunkSize: TOKEN_SIZE, tokenizer: chonkieTokenizer(cl100k) as never }), siftCounter),
      ], tokenReps)],
      [`token-${TOKEN_SIZE}`, () => measure(tokSize(TOKEN_SIZE) + prefixNote, byTokens, prefix, [
        sift('token', { chunker: 'token', size: TOKEN_SIZE, tokenizer: 'cl100k' }),
        chonkie('token', () => ChonkieToken.create({ chunkSize: TOKEN_SIZE, tokenizer: chonkieTokenizer(gptTokenizer) as never })),
      ], tokenReps)],
    ];
    const only = process.env['SIFT_BENCH_CHUNKERS_JOBS']?.split(',').map((j) => j.trim());
    const unknown = only?.filter((j) => !jobs.some(([name]) => name === j)) ?? [];
    if (unknown.length > 0) throw new Error(`SIFT_BENCH_CHUNKERS_JOBS: unknown job ${unknown.join(', ')} (jobs: ${jobs.map(([name]) => name).join(', ')})`);
    const rows: Row[] = [];
    for (const [name, run] of jobs) if (!only || only.includes(name)) rows.push(...(await run()));

    const siftRate = (r: Row) => rows.find((x) => x.size === r.size && x.family === r.family && x.impl === 'sift')!.mbPerSec;
    const table = mdTable(
      ['size', 'chunker', 'implementation', 'MB/s (CPU)', 'Sift ÷ this', 'MB/s (wall)', 'chunks', 'over size', 'offsets exact'],
      rows.map((r) => [
        r.size,
        r.family,
        r.impl,
        r.mbPerSec.toFixed(2),
        r.impl === 'sift' ? '—' : `${(siftRate(r) / r.mbPerSec).toFixed(2)}×`,
        r.wallMbPerSec.toFixed(2),
        r.chunks,
        r.overSize,
        r.exactOffsets === null ? 'n/a (no offsets)' : r.exactOffsets ? 'yes' : 'NO',
      ]),
    );
    const ratios = Object.fromEntries(
      rows.filter((r) => r.impl !== 'sift').map((r) => [`${r.family} ${r.size} vs ${r.impl}`, siftRate(r) / r.mbPerSec]),
    );
    return {
      table: `Paul Graham essays: ${files} files ×${copies}, ${(Buffer.byteLength(text) / 1e6).toFixed(2)} MB; median of ${reps} timed blocks of ${CHAR_INNER} runs at character size (${tokenReps} blocks of one run at token size and for the token rows)\n\n${table}`,
      results: { copies, chars: text.length, bytes: Buffer.byteLength(text), reps, tokenReps, rows, ratios },
    };
  },
};
