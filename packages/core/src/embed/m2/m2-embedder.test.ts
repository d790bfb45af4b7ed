// M2Embedder on the tiny-masked fixture (2 layers, d=32, mask_padding) with a letter-level WordPiece tokenizer written
// here: whole-text vectors and late-chunked span vectors against the float64 reference.
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SiftError } from '../../errors.js';
import { createEmbedder } from '../create-embedder.js';
import { createEmbedderFromConfig, embedderConfigOf } from '../embedder-config.js';
import { cosine } from '../vector-math.js';
import { supportsLateChunking } from './late-chunking.js';
import { loadM2Checkpoint } from './m2-checkpoint.js';
import { M2Embedder } from './m2-embedder.js';
import { m2ReferenceForward } from './m2-reference.js';
import type { M2Weights } from './m2-weights.js';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'tiny-masked');
const D = 32;

/** [PAD]=0 [CLS]=1 [SEP]=2 [UNK]=3, a–z = 4…29, ##a–##z = 30…55, '.' = 56: every lowercase word spells out. */
function letterTokenizer(): object {
  const vocab: Record<string, number> = { '[PAD]': 0, '[CLS]': 1, '[SEP]': 2, '[UNK]': 3 };
  for (let i = 0; i < 26; i++) {
    vocab[String.fromCharCode(97 + i)] = 4 + i;
    vocab[`##${String.fromCharCode(97 + i)}`] = 30 + i;
  }
  vocab['.'] = 56;
  const special = (id: number, content: string) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  return {
    version: '1.0',
    added_tokens: [special(0, '[PAD]'), special(1, '[CLS]'), special(2, '[SEP]'), special(3, '[UNK]')],
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: null,
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  };
}

function ids(text: string): number[] {
  // What the tokenizer above gives for lowercase words and full stops.
  return (text.toLowerCase().match(/[a-z]+|\./g) ?? []).flatMap((w) => (w === '.' ? [56] : [...w].map((ch, i) => (i === 0 ? 4 : 30) + ch.charCodeAt(0) - 97)));
}

function normalized(v: ArrayLike<number>): number[] {
  const n = Math.hypot(...Array.from(v));
  return Array.from(v, (x) => x / n);
}

function pooler(w: M2Weights, x: ArrayLike<number>): number[] {
  return Array.from({ length: D }, (_, o) => {
    let acc = w.pooler.b.data[o]!;
    for (let i = 0; i < D; i++) acc += w.pooler.w.data[o * D + i]! * x[i]!;
    return Math.tanh(acc);
  });
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

let dir: string;
let cacheDir: string;
let weights: M2Weights;
let embedder: M2Embedder;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'sift-m2-'));
  cacheDir = path.join(dir, 'graphs');
  copyFileSync(path.join(FIXTURE, 'config.json'), path.join(dir, 'config.json'));
  copyFileSync(path.join(FIXTURE, 'model.safetensors'), path.join(dir, 'model.safetensors'));
  writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(letterTokenizer()));
  weights = await loadM2Checkpoint(dir);
  embedder = await M2Embedder.create({ model: dir, device: 'cpu', graphCacheDir: cacheDir, maxTokens: 48 });
});

afterAll(async () => {
  await embedder?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('M2Embedder', () => {
  it('embeds a text as the normalised pooled [CLS] vector of the reference, and caches the built graph', async () => {
    const text = 'The whale swam. Ahab followed it.';
    const [v] = await embedder.embed([text]);
    const ref = m2ReferenceForward(weights, [1, ...ids(text), 2]);
    expect(v!.length).toBe(D);
    expect(maxDiff(v!, normalized(ref.pooled))).toBeLessThan(1e-4);
    expect(readdirSync(cacheDir).some((f) => f.endsWith('.onnx'))).toBe(true);
    expect(embedder.id).toContain(':48:norm');
  });

  it('late chunking: each span is tanh(dense(mean of its token states)) from one pass over the document', async () => {
    const doc = 'The whale swam. Ahab followed it. Ishmael wrote.';
    const spans = [
      { start: 0, end: 15 },
      { start: 15, end: 33 },
      { start: 33, end: doc.length },
    ];
    expect(supportsLateChunking(embedder)).toBe(true);
    const vs = await embedder.embedSpans(doc, spans);
    const segs = spans.map((s) => ids(doc.slice(s.start, s.end)));
    const ref = m2ReferenceForward(weights, [1, ...segs.flat(), 2]);
    let at = 1;
    segs.forEach((seg, i) => {
      const mean = Array.from({ length: D }, (_, j) => seg.reduce((acc, _, k) => acc + ref.hidden[(at + k) * D + j]!, 0) / seg.length);
      at += seg.length;
      expect(maxDiff(vs[i]!, normalized(pooler(weights, mean)))).toBeLessThan(1e-4);
    });
  });

  it('late chunking gives the same words different vectors in different documents (context reaches the chunk)', async () => {
    const chunk = 'Ahab followed it.';
    const a = `The whale swam. ${chunk}`;
    const b = `Quiet night fell. ${chunk}`;
    const [va] = await embedder.embedSpans(a, [{ start: a.length - chunk.length, end: a.length }]);
    const [vb] = await embedder.embedSpans(b, [{ start: b.length - chunk.length, end: b.length }]);
    expect(cosine(va!, vb!)).toBeLessThan(0.999);
  });

  it('a document longer than maxTokens is encoded in windows; a span across the window edge pools both sides', async () => {
    const doc = 'abc def ghi jkl mno pqr stu vwx yz. '.repeat(3); // 84 content tokens > 46 per window
    const [whole, first] = await embedder.embedSpans(doc, [
      { start: 0, end: doc.length },
      { start: 0, end: 4 },
    ]);
    const all = ids(doc);
    const w0 = m2ReferenceForward(weights, [1, ...all.slice(0, 46), 2]);
    const w1 = m2ReferenceForward(weights, [1, ...all.slice(46), 2]);
    const mean = Array.from({ length: D }, (_, j) => {
      let s = 0;
      for (let k = 0; k < 46; k++) s += w0.hidden[(1 + k) * D + j]!;
      for (let k = 0; k < all.length - 46; k++) s += w1.hidden[(1 + k) * D + j]!;
      return s / all.length;
    });
    expect(maxDiff(whole!, normalized(pooler(weights, mean)))).toBeLessThan(1e-4);
    const firstMean = Array.from({ length: D }, (_, j) => [1, 2, 3].reduce((s, r) => s + w0.hidden[r * D + j]!, 0) / 3);
    expect(maxDiff(first!, normalized(pooler(weights, firstMean)))).toBeLessThan(1e-4);
  });

  it('rejects spans outside the text', async () => {
    await expect(embedder.embedSpans('abc', [{ start: 1, end: 9 }])).rejects.toMatchObject({ code: 'E_BAD_INPUT' });
  });

  it('names the missing file of an incomplete folder', async () => {
    const bare = mkdtempSync(path.join(tmpdir(), 'sift-m2-bare-'));
    try {
      copyFileSync(path.join(FIXTURE, 'config.json'), path.join(bare, 'config.json'));
      const err = await M2Embedder.create({ model: bare }).catch((e: unknown) => e);
      expect(SiftError.isInstance(err) && err.code).toBe('E_MODEL_MISSING');
      expect((err as Error).message).toMatch(/tokenizer\.json|model\.safetensors/);
      writeFileSync(path.join(bare, 'tokenizer.json'), JSON.stringify(letterTokenizer()));
      await expect(M2Embedder.create({ model: bare })).rejects.toThrow(/model\.safetensors/);
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });

  it('createEmbedder recognises an M2 folder and its config re-creates it (graph cached under $SIFT_CACHE_DIR)', async () => {
    const before = process.env['SIFT_CACHE_DIR'];
    process.env['SIFT_CACHE_DIR'] = path.join(dir, 'env-cache');
    try {
      const e = await createEmbedder(dir, { device: 'cpu', maxTokens: 48 });
      const again = await createEmbedderFromConfig(embedderConfigOf(e)!, { device: 'cpu' });
      try {
        expect(e).toBeInstanceOf(M2Embedder);
        expect(embedderConfigOf(e)).toEqual({ name: 'm2', model: dir, normalize: true, maxTokens: 48 });
        const [a] = await e.embed(['the whale']);
        const [b] = await again.embed(['the whale']);
        expect(again.id).toBe(e.id);
        expect(maxDiff(a!, b!)).toBe(0);
        expect(existsSync(path.join(dir, 'env-cache', 'm2-graphs'))).toBe(true);
      } finally {
        await e.close?.();
        await again.close?.();
      }
    } finally {
      if (before === undefined) delete process.env['SIFT_CACHE_DIR'];
      else process.env['SIFT_CACHE_DIR'] = before;
    }
  });
});
