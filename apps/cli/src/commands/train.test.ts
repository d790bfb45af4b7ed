import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadPairModel } from '@sift/chunkers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../testing.js';

describe('sift train segmenter', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sift-train-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('trains a tiny model on one Moby-Dick chapter and two speeches with USE-lite and saves weights, config and a model card', async () => {
    const out = path.join(dir, 'model');
    const r = await runCli(['train', 'segmenter', '--out', out, '--corpora', 'moby-dick,sotu', '--moby-chapters', '1', '--sotu-speeches', '2', '--sotu-sentences', '6', '--hidden', '4', '--epochs', '1', '--json']);
    expect(r.stderr).not.toMatch(/^sift: /m);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { pairs: { train: number; test: number }; heldOutAccuracy: number };
    expect(report.pairs.train).toBeGreaterThan(10);
    expect(report.heldOutAccuracy).toBeGreaterThanOrEqual(0);
    const { config, weights } = await loadPairModel(out);
    expect(config).toMatchObject({ embedder: 'use-lite', dim: 512, hidden: 4, context: 1 });
    expect(weights.w1).toHaveLength(4 * 2048);
  });

  it('names an unknown corpus', async () => {
    const r = await runCli(['train', 'segmenter', '--out', path.join(dir, 'x'), '--corpora', 'brown']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--corpora: unknown corpus 'brown'/);
  });
});
