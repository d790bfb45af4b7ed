import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../testing.js';
import type { QueryOutput } from './query.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sift-query-input-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('sift query --input FILE --retriever infiniretri', () => {
  it('reads the file with sift-lm-mini and prints retained sentences with offsets into the file', async () => {
    const file = path.join(dir, 'long.txt');
    const sentences = Array.from({ length: 60 }, (_, i) => `The harbour master counted ${i} boats before the storm came in.`);
    sentences.splice(17, 0, 'The lighthouse key hangs on the blue hook.');
    await writeFile(file, sentences.join(' '));
    const r = await runCli(['query', 'Where does the lighthouse key hang?', '--input', file, '--retriever', 'infiniretri', '--json', '-k', '50']);
    expect(r.stderr).toMatch(/^sift: infiniretri read \d+ tokens of .*long\.txt in \d+ passes \(\d+ tokens\/s\) and retained \d+ sentences\n$/);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as QueryOutput;
    const text = await readFile(file, 'utf8');
    expect(out.results.length).toBeGreaterThan(0);
    for (const x of out.results) expect(text.slice(x.start, x.end)).toBe(x.text);
    expect(out.results.map((x) => x.score)).toEqual([...out.results.map((x) => x.score)].sort((a, b) => b - a));
  });

  it('refuses --input with another retriever (one line, exit 2 like every config error)', async () => {
    const file = path.join(dir, 'x.txt');
    await writeFile(file, 'One. Two.');
    const r = await runCli(['query', 'q', '--input', file, '--retriever', 'bm25']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('sift: E_BAD_CONFIG: sift query --input reads one file with --retriever infiniretri, not "bm25"\n');
  });
});
