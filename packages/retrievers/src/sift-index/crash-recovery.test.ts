import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '@sift/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWriter, topTens } from './__fixtures__/crash-writer.js';
import { runWriterProcess } from './__fixtures__/run-writer-process.js';
import { SiftIndex } from './sift-index.js';

// Kills a real writer process (SIGKILL, as a power cut) at each file operation of its commits — through the
// SIFT_CRASH_AT hook — and at random moments, then resumes the same work and checks that every retriever, side
// indexes included, answers exactly as an index built without a crash. No timing is asserted; only a hang can
// exceed the per-test timeout.

let root: string;
let clean: Awaited<ReturnType<typeof topTens>>;
const base = { empty: '', afterA: '' };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sift-crash-'));
  const cleanDir = join(root, 'clean');
  await runWriter(cleanDir, 'A');
  base.afterA = join(root, 'after-a');
  await cp(cleanDir, base.afterA, { recursive: true });
  await runWriter(cleanDir, 'B');
  clean = await topTens(cleanDir);
}, 120_000);
afterAll(() => rm(root, { recursive: true, force: true }));

/** Finishes the work a killed writer was doing, then checks the index against the clean one. */
async function resumeAndCompare(dir: string, phases: string[]): Promise<void> {
  for (const p of phases) await runWriter(dir, p);
  expect(await topTens(dir)).toEqual(clean);
  const index = await SiftIndex.open(dir);
  try {
    const report = await index.verify();
    expect(report.problems).toEqual([]);
    expect(report.sideIndexes).toEqual({ hnsw: 'ok', graph: 'ok' });
  } finally {
    await index.close();
  }
  // Nothing uncommitted is left behind: only the files the manifest names.
  const side = (await readdir(dir)).filter((n) => /^(hnsw|graph)\./.test(n)).sort();
  expect(side).toEqual(['graph.3.bin', 'hnsw.3.bin', 'hnsw.3.labels.json']);
}

async function crashPoints(from: string, phase: string): Promise<string[]> {
  const dir = join(root, `trace-${phase}`);
  if (from) await cp(from, dir, { recursive: true });
  const r = await runWriterProcess(dir, phase, { env: { SIFT_CRASH_TRACE: '1' } });
  expect(r.code).toBe(0);
  return r.stderr.split('\n').filter((l) => l.startsWith('sift-crash-point '));
}

describe('crash recovery (a writer killed at each file operation of its commits, then resumed)', () => {
  for (const [phase, from, then] of [
    ['A', 'empty', ['A', 'B']],
    ['B', 'afterA', ['B']],
  ] as const) {
    it(`phase ${phase}: every kill point resumes to the clean index's top-10 for bm25, dense, hybrid and graph:hybrid`, async () => {
      const points = await crashPoints(base[from], phase);
      expect(points.length).toBeGreaterThanOrEqual(12);
      for (let i = 1; i <= points.length; i++) {
        const dir = join(root, `kill-${phase}-${i}`);
        if (base[from]) await cp(base[from], dir, { recursive: true });
        const r = await runWriterProcess(dir, phase, { env: { SIFT_CRASH_AT: String(i) } });
        expect({ point: points[i - 1], signal: r.signal }).toEqual({ point: points[i - 1], signal: 'SIGKILL' });
        await resumeAndCompare(dir, [...then]);
        await rm(dir, { recursive: true, force: true });
      }
    }, 900_000);
  }

  it('random-time kills of the second add (seeded) resume to the clean index', async () => {
    const rand = seededRandom(20261202);
    // Spread kills over one uncrashed run's span, whatever this machine's speed: measured, not assumed.
    const t0 = performance.now();
    const probe = join(root, 'probe');
    await cp(base.afterA, probe, { recursive: true });
    expect((await runWriterProcess(probe, 'B')).code).toBe(0);
    const span = performance.now() - t0;
    for (let i = 0; i < 5; i++) {
      const dir = join(root, `random-${i}`);
      await cp(base.afterA, dir, { recursive: true });
      const r = await runWriterProcess(dir, 'B', { killAfterMs: Math.floor(rand() * span) });
      expect(r.signal === 'SIGKILL' || r.code === 0).toBe(true);
      await resumeAndCompare(dir, ['B']);
      await rm(dir, { recursive: true, force: true });
    }
  }, 600_000);
});
