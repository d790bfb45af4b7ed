import { collect } from '@sift/core';
import { describe, expect, it } from 'vitest';
import { RecursiveChunker } from './recursive-chunker.js';

const doc = (text: string) => ({ id: 'd', text, metadata: {} });
const run = async (c: RecursiveChunker, t: string) => collect(c.chunk(doc(t)));

const md = [
  '# Guide',
  '',
  'Intro text for the guide. It explains things.',
  '',
  '## Install',
  '',
  '```sh',
  'npm install sift',
  'npm run build',
  '```',
  '',
  '| name | value |',
  '|------|-------|',
  '| alpha beta gamma | 1 |',
  '| delta epsilon | 2 |',
  '',
  '## Use',
  '',
  'Call the chunker. Then read the chunks.',
].join('\n');

describe('RecursiveChunker', () => {
  it('prefers coarse separators and merges small pieces up to the size', async () => {
    const c = await RecursiveChunker.create({ size: 30, tokenizer: 'char', markdown: false });
    const t = 'First paragraph here.\n\nSecond one.\n\nThird paragraph is a bit longer than the rest.';
    expect((await run(c, t)).map((x) => x.text)).toEqual([
      'First paragraph here.',
      'Second one.',
      'Third paragraph is a bit',
      'longer than the rest.',
    ]);
  });

  describe('markdown', () => {
    it('keeps a fenced code block whole and records the heading path', async () => {
      const c = await RecursiveChunker.create({ size: 50, tokenizer: 'char' });
      const chunks = await run(c, md);
      const fence = chunks.find((x) => x.text.includes('npm install'))!;
      expect(fence.text).toBe('```sh\nnpm install sift\nnpm run build\n```');
      expect(fence.metadata['headings']).toEqual(['Guide', 'Install']);
      expect(chunks.find((x) => x.text.includes('Call the'))!.metadata['headings']).toEqual(['Guide', 'Use']);
      expect(chunks[0]!.metadata['headings']).toEqual(['Guide']);
    });

    it('never cuts inside a table row', async () => {
      const c = await RecursiveChunker.create({ size: 28, tokenizer: 'char' });
      const chunks = await run(c, md);
      const rows = md.split('\n').filter((l) => l.startsWith('|'));
      for (const ch of chunks) {
        for (const row of rows) {
          const at = md.indexOf(row);
          const cut = ch.start > at && ch.start < at + row.length;
          const cutEnd = ch.end > at && ch.end < at + row.length;
          expect(cut || cutEnd).toBe(false);
        }
      }
      expect(chunks.some((x) => x.text === '| alpha beta gamma | 1 |')).toBe(true);
    });

    it('falls back to line splits for a code block over the size', async () => {
      const c = await RecursiveChunker.create({ size: 20, tokenizer: 'char' });
      const chunks = await run(c, '```\nline one here\nline two here\n```');
      expect(chunks.map((x) => x.text)).toEqual(['```\nline one here', 'line two here\n```']);
    });

    it('can be turned off', async () => {
      const c = await RecursiveChunker.create({ size: 20, tokenizer: 'char', markdown: false });
      expect((await run(c, '# A\ntext'))[0]!.metadata).toEqual({});
    });
  });

  it('uses custom separator levels, never merging across a coarser cut', async () => {
    const c = await RecursiveChunker.create({ size: 6, tokenizer: 'char', separators: ['|', [',', ';']] });
    expect((await run(c, 'ab,cd;ef|gh')).map((x) => x.text)).toEqual(['ab,cd;', 'ef|', 'gh']);
  });

  it('overlap applies even when pieces exactly fill the size (LangChain.js #11702)', async () => {
    const c = await RecursiveChunker.create({ size: 12, overlap: 4, tokenizer: 'char', markdown: false });
    const chunks = await run(c, 'aaaaaaa bbbbbbb ccccccc ddddddd');
    for (let i = 1; i < chunks.length; i++) expect(chunks[i]!.start).toBeLessThan(chunks[i - 1]!.end);
    for (const ch of chunks) expect(ch.tokenCount).toBeLessThanOrEqual(12);
    // Pieces are sized to size - overlap = 8, so each chunk has room for 4 characters of the previous one.
    expect(chunks.map((x) => x.text)).toEqual(['aaaaaaa', 'aaaa bbbbbbb', 'bbbb ccccccc', 'cccc ddddddd']);
  });

  describe('run options', () => {
    const long = 'word '.repeat(5000);

    it('reports progress in characters, ending with done', async () => {
      const c = await RecursiveChunker.create({ size: 8, tokenizer: 'char' });
      const events: Array<{ status: string; done: number }> = [];
      await collect(c.chunk(doc(long), { onProgress: (p) => events.push(p) }));
      expect(events.length).toBeGreaterThan(1);
      expect(events.at(-1)).toMatchObject({ status: 'done', done: long.length, total: long.length, unit: 'chars' });
    });

    it('stops with E_ABORTED when the signal fires', async () => {
      const c = await RecursiveChunker.create({ size: 8, tokenizer: 'char' });
      const ac = new AbortController();
      ac.abort();
      await expect(collect(c.chunk(doc(long), { signal: ac.signal }))).rejects.toMatchObject({ code: 'E_ABORTED' });
      const ac2 = new AbortController();
      let seen = 0;
      const it2 = c.chunk(doc(long), { signal: ac2.signal });
      await expect(
        (async () => {
          for await (const _ of it2) if (++seen === 10) ac2.abort();
        })(),
      ).rejects.toMatchObject({ code: 'E_ABORTED' });
      expect(seen).toBeLessThan(1000);
    });

    it('rejects a document without text', async () => {
      const c = await RecursiveChunker.create({ size: 8, tokenizer: 'char' });
      await expect(collect(c.chunk({ id: 'x', metadata: {} } as never))).rejects.toMatchObject({ code: 'E_BAD_INPUT' });
    });
  });
});
