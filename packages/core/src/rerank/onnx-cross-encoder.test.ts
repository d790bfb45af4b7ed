import { mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_POS, referenceLogit, writeTinyCrossEncoder, type TinyCrossWeights } from './__fixtures__/tiny-cross-encoder.js';
import { OnnxCrossEncoder } from './onnx-cross-encoder.js';

let root: string;
let dir: string;
let w: TinyCrossWeights;
let ce: OnnxCrossEncoder;

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'sift-cross-'));
  dir = path.join(root, 'tiny-ce');
  w = writeTinyCrossEncoder(dir);
  ce = await OnnxCrossEncoder.create({ model: dir, device: 'cpu', threads: 1, batchSize: 3, log: () => {} });
}, 60_000);
afterAll(async () => {
  await ce.close();
  rmSync(root, { recursive: true, force: true });
});

describe('OnnxCrossEncoder', () => {
  const query = 'the cat sat';
  const passages = ['the cat sat on the mat .', 'a dog ran far away', 'big red rug', 'it is small and blue', 'cats sat', 'the'];

  it('scores each pair as the plain-TS reference does, whatever the batch and padding', async () => {
    const got = await ce.score(query, passages);
    expect(got).toHaveLength(passages.length);
    passages.forEach((p, i) => {
      const e = ce.encodePair(query, p);
      // [CLS] query [SEP] passage [SEP], segment 1 on the passage side.
      expect(e.ids[0]).toBe(2);
      expect(e.types.filter((t) => t === 1).length).toBeGreaterThan(0);
      expect(got[i]).toBeCloseTo(referenceLogit(w, e.ids, e.types), 4);
    });
    // One pair alone gives the same logit as inside a padded batch.
    expect((await ce.score(query, [passages[1]!]))[0]).toBeCloseTo(got[1]!, 5);
    // Segment ids matter: the same tokens with all-zero segments give another logit.
    const e0 = ce.encodePair(query, passages[0]!);
    expect(Math.abs(referenceLogit(w, e0.ids, e0.ids.map(() => 0)) - got[0]!)).toBeGreaterThan(1e-4);
    expect(new Set(Array.from(got).map((x) => x.toFixed(4))).size).toBeGreaterThan(3);
  });

  it('cuts a long passage to the model limit, keeping the query, and counts pairs scored', async () => {
    const long = Array.from({ length: 40 }, () => 'dog').join(' ');
    const e = ce.encodePair(query, long);
    expect(e.ids.length).toBeLessThanOrEqual(MAX_POS);
    expect(e.ids.slice(0, 5)).toEqual(ce.encodePair(query, 'dog').ids.slice(0, 5));
    const before = ce.calls;
    const [s] = await ce.score(query, [long]);
    expect(s).toBeCloseTo(referenceLogit(w, e.ids, e.types), 4);
    expect(ce.calls - before).toBe(1);
  });

  it('sigmoid activation keeps the order; bad options and missing files are one clear error', async () => {
    const sig = await OnnxCrossEncoder.create({ model: dir, device: 'cpu', threads: 1, activation: 'sigmoid', log: () => {} });
    const raw = await ce.score(query, passages.slice(0, 3));
    const p = await sig.score(query, passages.slice(0, 3));
    p.forEach((v, i) => expect(v).toBeCloseTo(1 / (1 + Math.exp(-raw[i]!)), 5));
    await sig.close();
    await expect(OnnxCrossEncoder.create({ model: dir, maxTokens: 999 })).rejects.toMatchObject({ code: 'E_BAD_CONFIG' });
    await expect(OnnxCrossEncoder.create({ model: dir, bogus: 1 } as never)).rejects.toThrow(/bogus/);
    const broken = path.join(root, 'broken');
    writeTinyCrossEncoder(broken);
    unlinkSync(path.join(broken, 'tokenizer.json'));
    await expect(OnnxCrossEncoder.create({ model: broken })).rejects.toThrow(/tokenizer\.json/);
  });
});
