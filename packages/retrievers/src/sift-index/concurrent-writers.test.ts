import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWriterProcess } from './__fixtures__/run-writer-process.js';
import { SiftIndex } from './sift-index.js';

// Two writer processes started 0–500 ms apart into the same new folder, 20 times. Whatever the overlap, no commit
// may be lost: a writer that exits 0 has its document in the final index, and one that cannot write fails at once
// with E_INDEX_LOCKED. No timing is asserted; the spread of start offsets only makes every overlap likely.

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sift-writers-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('two writers, one index folder', () => {
  it('20 rounds, second writer started 0–500 ms after the first: never a lost commit; each loser exits E_INDEX_LOCKED', async () => {
    const outcomes: string[] = [];
    for (let round = 0; round < 20; round++) {
      const dir = join(root, `round-${round}`);
      const gap = Math.round((round * 500) / 19);
      const [first, second] = await Promise.all([
        runWriterProcess(dir, `r${round}a`),
        runWriterProcess(dir, `r${round}b`, { startAfterMs: gap }),
      ]);
      const index = await SiftIndex.open(dir, { onWarn: () => {} });
      const present = new Set((await index.getChunks([`writer-r${round}a#0`, `writer-r${round}b#0`])).map((c) => c.docId));
      const stats = await index.stats();
      await index.close();
      for (const [who, r] of [
        ['a', first],
        ['b', second],
      ] as const) {
        if (r.code === 0) expect(present.has(`writer-r${round}${who}`)).toBe(true);
        else expect({ round, who, code: r.code, stderr: r.stderr.split(' ')[0] }).toEqual({ round, who, code: 3, stderr: 'E_INDEX_LOCKED' });
      }
      expect(stats.documents).toBe([first, second].filter((r) => r.code === 0).length);
      outcomes.push(`${gap}ms:${first.code === 0 ? 'ok' : 'locked'}/${second.code === 0 ? 'ok' : 'locked'}`);
      await rm(dir, { recursive: true, force: true });
    }
    // At least one writer per round gets through.
    expect(outcomes.every((o) => o.includes('ok'))).toBe(true);
    console.log(`concurrent writers: ${outcomes.join(' ')}`);
  }, 900_000);
});
