import { mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SiftError } from '../errors.js';
import type { OnnxLogEntry } from '../onnx/onnx-log.js';
import { H, ids, MAX_POS, referenceForward, writeTinyEncoder, type TinyWeights } from './__fixtures__/tiny-encoder.js';
import { OnnxEmbedder } from './onnx-embedder.js';

let root: string;
let modelDir: string;
let weights: TinyWeights;
let mean: OnnxEmbedder;
const warnings: string[] = [];
const logs: OnnxLogEntry[] = [];

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'sift-onnx-emb-'));
  modelDir = path.join(root, 'tiny');
  weights = writeTinyEncoder(modelDir);
  mean = await OnnxEmbedder.create({
    model: modelDir, pooling: 'mean', normalize: true, device: 'cpu', threads: 1, batchSize: 4,
    warn: (m) => warnings.push(m), log: (e) => logs.push(e),
  });
}, 60_000);
afterAll(async () => {
  await mean.close();
  rmSync(root, { recursive: true, force: true });
});

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};
/** Reference pooled (and optionally L2-normalised) vector, float64. */
function refVector(tokenIds: number[], pooling: 'mean' | 'cls' | 'last', norm: boolean): number[] {
  const hs = referenceForward(weights, tokenIds);
  let v: number[];
  if (pooling === 'cls') v = hs[0]!;
  else if (pooling === 'last') v = hs[hs.length - 1]!;
  else v = Array.from({ length: H }, (_, d) => hs.reduce((s, r) => s + r[d]!, 0) / hs.length);
  if (!norm) return v;
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

const S1 = 'The cat sat on the mat.';
const S1_IDS = ids(['[CLS]', 'the', 'cat', 'sat', 'on', 'the', 'mat', '.', '[SEP]']);
const S2 = 'A big red dog ran far away, and it was small';
const S3 = 'Cats';

describe('OnnxEmbedder', () => {
  it('loads the folder offline, tokenizes with its tokenizer.json, and logs the provider that ran', () => {
    expect(mean.tokenize(S1)).toEqual(S1_IDS);
    expect(mean.tokenize(S3)).toEqual(ids(['[CLS]', 'cat', '##s', '[SEP]']));
    expect(mean.dim).toBe(H);
    expect(mean.maxTokens).toBe(MAX_POS);
    expect(mean.executionProvider).toBe('cpu');
    expect(logs.some((l) => l.level === 'info' && /runs on cpu/.test(l.message))).toBe(true);
    expect(mean.id).toBe(`onnx:${modelDir}:mean:norm:${MAX_POS}`);
  });

  it('matches a plain TypeScript forward pass of the same weights (mean pooling, L2 norm)', async () => {
    const texts = [S1, S2, S3];
    const got = await mean.embed(texts);
    texts.forEach((t, i) => {
      const want = refVector(mean.tokenize(t), 'mean', true);
      expect(maxAbsDiff(got[i]!, want)).toBeLessThanOrEqual(1e-5);
      expect(Math.hypot(...got[i]!)).toBeCloseTo(1, 6);
    });
  });

  it('does not change a vector with its batch neighbours (padding invariance)', async () => {
    const [alone] = await mean.embed([S3]);
    const batch = await mean.embed([S2, S1, S3, 'dog']);
    expect(maxAbsDiff(batch[2]!, alone!)).toBeLessThanOrEqual(1e-6);
  });

  it.each(['cls', 'last'] as const)('pooling %s without normalisation matches the reference', async (pooling) => {
    const e = await OnnxEmbedder.create({ model: modelDir, pooling, normalize: false, device: 'cpu', log: () => {} });
    try {
      const texts = [S2, S1, S3];
      const got = await e.embed(texts);
      texts.forEach((t, i) => expect(maxAbsDiff(got[i]!, refVector(e.tokenize(t), pooling, false))).toBeLessThanOrEqual(1e-5));
      expect(e.id).toBe(`onnx:${modelDir}:${pooling}:${MAX_POS}`);
    } finally {
      await e.close();
    }
  });

  it('truncates to maxTokens keeping [SEP], with a warning', async () => {
    const e = await OnnxEmbedder.create({ model: modelDir, maxTokens: 6, device: 'cpu', warn: (m) => warnings.push(m), log: () => {} });
    try {
      warnings.length = 0;
      expect(e.tokenize(S1)).toEqual(ids(['[CLS]', 'the', 'cat', 'sat', 'on', '[SEP]']));
      const [v] = await e.embed([S1, S3]);
      expect(warnings).toEqual([`${modelDir}: truncated 1 of 2 texts to 6 tokens`]);
      expect(maxAbsDiff(v!, refVector(ids(['[CLS]', 'the', 'cat', 'sat', 'on', '[SEP]']), 'mean', true))).toBeLessThanOrEqual(1e-5);
    } finally {
      await e.close();
    }
    await expect(OnnxEmbedder.create({ model: modelDir, maxTokens: 64, log: () => {} })).rejects.toThrow(/exceeds the model's limit of 16/);
  });

  it('reads model_quantized.onnx when that is what the folder has', async () => {
    const dir = path.join(root, 'quant');
    writeTinyEncoder(dir, { onnxName: 'model_quantized.onnx' });
    const e = await OnnxEmbedder.create({ model: dir, device: 'cpu', log: () => {} });
    expect(e.id).toBe(`onnx:${dir}:q8:mean:norm:${MAX_POS}`); // the id names the weights file actually used
    const [a] = await e.embed([S1]);
    const [b] = await mean.embed([S1]);
    expect(maxAbsDiff(a!, b!)).toBeLessThanOrEqual(1e-6);
    await e.close();
    await e.close();
    await expect(e.embed(['x'])).rejects.toThrow(/closed/);
  });

  it.each([
    ['tokenizer.json', 'has no tokenizer.json'],
    ['config.json', 'has no config.json'],
    ['onnx/model.onnx', 'has no ONNX weights'],
  ])('names a missing %s (E_MODEL_MISSING)', async (file, text) => {
    const dir = path.join(root, `missing-${file.replace('/', '_')}`);
    writeTinyEncoder(dir);
    unlinkSync(path.join(dir, file));
    const err = await OnnxEmbedder.create({ model: dir, log: () => {} }).catch((e: unknown) => e);
    expect(SiftError.isInstance(err)).toBe(true);
    expect((err as SiftError).code).toBe('E_MODEL_MISSING');
    expect((err as SiftError).message).toContain(text);
    expect((err as SiftError).message).toContain(dir);
  });

  it('refuses a hub id that is not cached unless remote models are allowed', async () => {
    const err = await OnnxEmbedder.create({ model: 'acme/not-here', cacheDir: root, log: () => {} }).catch((e: unknown) => e);
    expect((err as SiftError).code).toBe('E_MODEL_MISSING');
    expect((err as SiftError).message).toMatch(/acme\/not-here' is not a local folder.*allow remote/);
  });

  it('finds a hub id in the cache dir without any network', async () => {
    writeTinyEncoder(path.join(root, 'cache', 'acme', 'tiny'));
    const e = await OnnxEmbedder.create({ model: 'acme/tiny', cacheDir: path.join(root, 'cache'), device: 'cpu', log: () => {} });
    const [a] = await e.embed([S2]);
    expect(maxAbsDiff(a!, refVector(e.tokenize(S2), 'mean', true))).toBeLessThanOrEqual(1e-5);
    await e.close();
  });
});
