import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cl100kRanksFromGptTokenizer, readRankTable } from './_rank-table-file.js';

describe('pre-built rank table file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sift-ranks-'));

  it('reads back the vocabulary the build writes from gpt-tokenizer', async () => {
    const ranks = await cl100kRanksFromGptTokenizer();
    const file = path.join(dir, 'cl100k_base.ranks');
    writeFileSync(file, ranks.toBinary());
    const back = readRankTable(pathToFileURL(file))!;
    expect(back.size).toBe(ranks.size);
    for (const word of ['hello', ' world', 'ization', ' Sift']) expect(back.rank(word, 0, word.length)).toBe(ranks.rank(word, 0, word.length));
  });

  it('is null when there is no file (running from source), and an error naming a file that is not a table', () => {
    expect(readRankTable(pathToFileURL(path.join(dir, 'absent.ranks')))).toBeNull();
    const bad = path.join(dir, 'bad.ranks');
    writeFileSync(bad, 'not a table');
    expect(() => readRankTable(pathToFileURL(bad))).toThrow(/bad\.ranks: not a Sift rank table/);
  });
});
