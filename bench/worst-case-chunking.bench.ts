// Worst-case chunking time: one character repeated (one pre-tokenizer piece as long as the text) and a run of CJK
// letters with no separator, through Sift's token, sentence and recursive chunkers with cl100k. The baseline is the
// same chunker with gpt-tokenizer's own byte-pair merge (it rescans every pair after each merge: quadratic), switched
// back in for those rows only, on sizes it can finish; the new rows use the heap merge Sift installs. CPU seconds of
// this process (the machine is shared), wall seconds beside them.
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createChunker, type ChunkerConfig } from '@sift/chunkers';
import { collect, createTokenizer } from '@sift/core';
import { log, mdTable, workspaceRoot } from './_bench-utils.js';

interface Core {
  bytePairEncode(input: string): number[];
  clearMergeCache(): void;
}

type Input = 'a' | 'cjk';
const INPUTS: Record<Input, (n: number) => string> = {
  a: (n) => 'a'.repeat(n),
  cjk: (n) => Array.from({ length: n }, (_, i) => String.fromCharCode(0x4e00 + ((i * 7919) % 2000))).join(''),
};
const KINDS = ['token', 'sentence', 'recursive'] as const;

interface Row {
  input: Input;
  kib: number;
  chunker: string;
  merge: 'gpt-tokenizer (before)' | 'heap (now)';
  cpuS: number;
  wallS: number;
  chunks: number;
}

/** The cl100k encoder instance @sift/core loaded (the same module URL, so the same object). */
async function core(): Promise<Core> {
  await createTokenizer('cl100k');
  const pkg = realpathSync(path.join(workspaceRoot(), 'packages', 'core', 'node_modules', 'gpt-tokenizer'));
  const enc = (await import(pathToFileURL(path.join(pkg, 'esm', 'encoding', 'cl100k_base.js')).href)) as { default: unknown };
  const c = (enc.default as { bytePairEncodingCoreProcessor: Core }).bytePairEncodingCoreProcessor;
  if (!Object.hasOwn(c, 'bytePairEncode')) throw new Error('found a gpt-tokenizer instance that @sift/core did not set up');
  return c;
}

async function timeChunking(text: string, kind: (typeof KINDS)[number]): Promise<{ cpuS: number; wallS: number; chunks: number }> {
  const chunker = await createChunker({ chunker: kind, tokenizer: 'cl100k', size: 512 } as ChunkerConfig);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const chunks = await collect(chunker.chunk({ id: 'doc', text, metadata: {} }));
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  for (const c of chunks) if (text.slice(c.start, c.end) !== c.text) throw new Error(`${kind}: chunk ${c.id} has wrong offsets`);
  return { cpuS: (cpu.user + cpu.system) / 1e6, wallS, chunks: chunks.length };
}

export default {
  name: 'worst-case-chunking',
  description: 'chunking one repeated character / a separator-free CJK run: heap BPE merge vs gpt-tokenizer’s quadratic merge',
  async run({ quick }: { quick: boolean }) {
    const c = await core();
    const heapEncode = c.bytePairEncode;
    const quadraticEncode = Object.getPrototypeOf(c).bytePairEncode as Core['bytePairEncode'];
    // The quadratic merge takes ~2 minutes at 256 KiB on a shared core, so the baseline stops well before that.
    const baselineKib = quick ? [16, 64] : [16, 64, 128];
    const nowKib = quick ? [16, 64, 1024] : [16, 64, 128, 1024, 4096];
    const rows: Row[] = [];
    for (const input of Object.keys(INPUTS) as Input[]) {
      for (const kind of KINDS) {
        // A separator-free CJK run of a few million characters exceeds V8's regex stack in the pre-tokenizer (a clear
        // E_BAD_INPUT); it stops at 1 MiB.
        for (const kib of nowKib.filter((k) => input === 'a' || k <= 1024)) {
          const text = INPUTS[input](kib * 1024);
          if (baselineKib.includes(kib)) {
            c.bytePairEncode = quadraticEncode;
            c.clearMergeCache();
            try {
              log(`  ${input} ${kib} KiB ${kind}: gpt-tokenizer merge`);
              rows.push({ input, kib, chunker: kind, merge: 'gpt-tokenizer (before)', ...(await timeChunking(text, kind)) });
            } finally {
              c.bytePairEncode = heapEncode;
              c.clearMergeCache();
            }
          }
          log(`  ${input} ${kib} KiB ${kind}: heap merge`);
          rows.push({ input, kib, chunker: kind, merge: 'heap (now)', ...(await timeChunking(text, kind)) });
        }
      }
    }
    const table = mdTable(
      ['input', 'KiB', 'chunker', 'BPE merge', 'CPU s', 'wall s', 'chunks'],
      rows.map((r) => [r.input === 'a' ? "'a' repeated" : 'CJK letters, no separator', r.kib, r.chunker, r.merge, r.cpuS.toFixed(2), r.wallS.toFixed(2), r.chunks]),
    );
    return { table, results: rows };
  },
};
