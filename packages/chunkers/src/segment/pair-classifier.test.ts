import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bagOfWordsEmbedder } from './_fake-embedder.js';
import { PairClassifierSegmenter } from './pair-classifier.js';
import { DEFAULT_PAIR_MODEL_DIR, loadPairModel, savePairModel } from './pair-model-files.js';
import { decodeWeights, encodeWeights } from './pair-mlp.js';
import { buildPairDataset } from './pair-dataset.js';
import { pairAccuracy, trainPairMlp } from './train-pair-mlp.js';

// A tiny corpus in two vocabularies; paragraphs alternate topics, so paragraph breaks are topic changes.
const COOK = ['onion', 'garlic', 'basil', 'soup', 'simmer', 'bread', 'cheese', 'tomato', 'pepper', 'butter'];
const SKY = ['galaxy', 'telescope', 'nebula', 'planet', 'orbit', 'comet', 'quasar', 'stars', 'cosmos', 'gravity'];
function sentence(words: string[], i: number): string {
  return Array.from({ length: 5 }, (_, j) => words[(i * 3 + j * 7) % words.length]).join(' ');
}
const DOCS = Array.from({ length: 30 }, (_, d) => ({
  id: `d${d}`,
  source: 'toy',
  paragraphs: Array.from({ length: 4 }, (_, p) => Array.from({ length: 4 }, (_, s) => sentence((d + p) % 2 ? SKY : COOK, d * 16 + p * 4 + s))),
}));

// Unseen sentences in the same two vocabularies: a change of topic after sentence 6.
const TWO_TOPICS = [...Array.from({ length: 6 }, (_, i) => sentence(COOK, 1000 + i)), ...Array.from({ length: 6 }, (_, i) => sentence(SKY, 2000 + i))];

describe('pair-classifier', () => {
  let dir: string;
  const embedder = bagOfWordsEmbedder();
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sift-pair-'));
    const { train, test } = buildPairDataset(DOCS, { seed: 3 });
    const emb = async (xs: string[]) => embedder.embed(xs);
    const ex = async (ps: typeof train) => ({ a: await emb(ps.map((p) => p.a[0]!)), b: await emb(ps.map((p) => p.b[0]!)), same: ps.map((p) => p.same) });
    const { weights, losses } = await trainPairMlp(await ex(train), { hidden: 8, epochs: 8, seed: 1 });
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    expect(pairAccuracy(weights, await ex(test)).accuracy).toBeGreaterThan(0.9);
    await savePairModel(dir, { embedder: embedder.id, threshold: 0.5, training: {} }, weights);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('puts one boundary at the topic change of two obvious topics', async () => {
    const seg = await PairClassifierSegmenter.create({ modelDir: dir }, embedder);
    expect(await seg.segment(TWO_TOPICS)).toEqual([6]);
  });
  it('finds no boundary in one topic', async () => {
    const seg = await PairClassifierSegmenter.create({ modelDir: dir }, embedder);
    expect(await seg.segment(TWO_TOPICS.slice(6))).toEqual([]);
  });
  it('does not crash on tiny inputs and honours a known k', async () => {
    const seg = await PairClassifierSegmenter.create({ modelDir: dir, context: 3 }, embedder);
    expect(await seg.segment([])).toEqual([]);
    expect(await seg.segment(['one sentence'])).toEqual([]);
    for (const k of [1, 2, 5]) expect(await seg.segment(TWO_TOPICS, { k })).toHaveLength(k - 1);
  });
  it('refuses an embedder other than the one the weights were trained on', async () => {
    await expect(PairClassifierSegmenter.create({ modelDir: dir }, bagOfWordsEmbedder(256, 'other'))).rejects.toMatchObject({ code: 'E_BAD_CONFIG' });
  });
  it('reports a missing or corrupt model folder with a coded error naming the file', async () => {
    await expect(loadPairModel(path.join(dir, 'nope'))).rejects.toMatchObject({ code: 'E_MODEL_MISSING' });
    const bad = await mkdtemp(path.join(tmpdir(), 'sift-pair-bad-'));
    await savePairModel(bad, { embedder: 'x', threshold: 0.5, training: {} }, (await loadPairModel(dir)).weights);
    await writeFile(path.join(bad, 'weights.bin'), new Uint8Array([1, 2, 3]));
    await expect(loadPairModel(bad)).rejects.toThrow(/weights\.bin: not a pair-segmenter weights file/);
    await rm(bad, { recursive: true, force: true });
  });
  it('round-trips weights through the binary format', async () => {
    const { weights } = await loadPairModel(dir);
    const again = decodeWeights(encodeWeights(weights), 'mem');
    expect(again.hidden).toBe(weights.hidden);
    expect(Array.from(again.w2)).toEqual(Array.from(weights.w2));
  });
});

describe('shipped weights', () => {
  it('load, and are for 512-d use-lite vectors', async () => {
    const { config, weights } = await loadPairModel(DEFAULT_PAIR_MODEL_DIR);
    expect(config.embedder).toBe('use-lite');
    expect(weights.dim).toBe(512);
    expect(config.training).toHaveProperty('heldOutAccuracy');
  });
});
