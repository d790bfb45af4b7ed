import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHUNKER_NAMES } from '../chunker-from-flags.js';
import { runCli } from '../testing.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sift-chunk-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const PARAGRAPH =
  'Sift splits long documents into chunks. Each chunk keeps exact offsets into its source — even after “curly quotes”, ' +
  'emoji like 🐋 and accents such as naïve café. ';

interface Line {
  docId: string;
  start: number;
  end: number;
  text: string;
  tokenCount: number;
  id: string;
}

describe('sift chunk', () => {
  it.each(['recursive', 'sentence', 'token', 'c99'])('--chunker %s prints one JSON object per line whose offsets slice the source exactly', async (name) => {
    const file = path.join(dir, 'doc.md');
    const source = `# Title\n\n${PARAGRAPH.repeat(12)}\n\n## Part two\n\n${PARAGRAPH.repeat(9)}\n`;
    await writeFile(file, source);
    const r = await runCli(['chunk', file, '--chunker', name, '--size', '64', ...(name === 'c99' ? [] : ['--overlap', '8']), '--format', 'jsonl']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Line);
    expect(lines.length).toBeGreaterThan(3);
    expect(Object.keys(lines[0]!).slice(0, 5)).toEqual(['docId', 'start', 'end', 'text', 'tokenCount']);
    const text = await readFile(file, 'utf8');
    for (const l of lines) {
      expect(l.docId).toBe('doc.md');
      expect(text.slice(l.start, l.end)).toBe(l.text);
      expect(l.tokenCount).toBeLessThanOrEqual(64);
    }
  });

  it('reads stdin with "-" and prints text blocks with --format text', async () => {
    const r = await runCli(['chunk', '-', '--chunker', 'token', '--size', '5', '--tokenizer', 'char', '--format', 'text'], { stdinText: 'abcdefghij' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^--- \S+ \[0, 5\) 5 tokens\nabcde\n--- \S+ \[5, 10\) 5 tokens\nfghij\n$/);
  });

  it('names a bad setting by its key (exit 2) and a bad choice by its flag', async () => {
    await writeFile(path.join(dir, 'a.txt'), 'hello');
    const r = await runCli(['chunk', path.join(dir, 'a.txt'), '--size', '10', '--overlap', '10']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^sift: E_BAD_CONFIG: .*overlap.*must be smaller than size/);
    const c = await runCli(['chunk', path.join(dir, 'a.txt'), '--chunker', 'paragraph']);
    expect(c.code).toBe(2);
    // The choices are every chunker the chunkers package registers (new ones appear without a CLI change).
    expect(c.stderr).toBe(`sift: option '--chunker <name>' argument 'paragraph' is invalid. Allowed choices are ${CHUNKER_NAMES.join(', ')}.\n`);
    expect(CHUNKER_NAMES.slice(0, 8)).toEqual(['token', 'sentence', 'recursive', 'semantic', 'texttiling', 'c99', 'embedding-depth', 'pair-classifier']);
  });

  it('skips bad files in a folder with one line each, and fails when nothing was readable', async () => {
    await mkdir(path.join(dir, 'in'));
    await writeFile(path.join(dir, 'in', 'good.txt'), 'Call me Ishmael.');
    await writeFile(path.join(dir, 'in', 'empty.txt'), '');
    const r = await runCli(['chunk', path.join(dir, 'in')]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toBe(`sift: E_INPUT_EMPTY: ${path.join(dir, 'in', 'empty.txt')}: empty\n`);
    const bad = await runCli(['chunk', path.join(dir, 'in', 'empty.txt')]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
  });

  it('refuses /dev/zero by its file type and stops an endless stdin at --max-file-size', async () => {
    const dev = await runCli(['chunk', '/dev/zero']);
    expect(dev.code).toBe(1);
    expect(dev.stderr).toBe('sift: E_INPUT_UNREADABLE: /dev/zero: is a character device, not a regular file; only regular files are read\n');
    const endless = Readable.from(
      (function* () {
        for (;;) yield Buffer.alloc(1 << 16, 0x61);
      })(),
    );
    const r = await runCli(['chunk', '-', '--max-file-size', '1'], { stdin: endless });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('sift: E_INPUT_TOO_LARGE: <stdin>: more than 1048576 bytes is over the 1 MiB limit (maxFileBytes, sift --max-file-size)\n');
  });
});
