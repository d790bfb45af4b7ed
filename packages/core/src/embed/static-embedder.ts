import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { notifyProgress, throwIfAborted, type RunOptions } from '../abort.js';
import { SiftError } from '../errors.js';
import type { Embedder } from '../types.js';
import { useLiteModelDir } from './use-lite-onnx-embedder.js';
import { UseLiteTokenizer } from './use-lite-tokenizer.js';

/** The project's static embedder, shipped in the repository under `models/static-use-lite/`. */
export const STATIC_USE_LITE = 'static-use-lite';

/** config.json of a static embedder folder (written by models/static-use-lite/distill.ts). */
export const StaticModelConfigSchema = z.object({
  type: z.literal('static-use-lite'),
  dim: z.number().int().positive(),
  vocabSize: z.number().int().positive(),
  /** File with vocabSize × dim little-endian float32 rows, already weighted (SIF) and PCA-reduced. */
  embeddings: z.string().min(1),
  /** sha256 of the USE-lite vocab.json the rows are indexed by. */
  vocabSha256: z.string().length(64),
});
export type StaticModelConfig = z.infer<typeof StaticModelConfigSchema>;

export const StaticEmbedderOptionsSchema = z.object({
  /** The model folder; default models/static-use-lite of the Sift checkout. */
  modelDir: z.string().min(1).optional(),
});
export type StaticEmbedderOptions = z.input<typeof StaticEmbedderOptionsSchema>;

/** `models/static-use-lite` of the Sift checkout this file lives in, or undefined outside a checkout. */
export function staticUseLiteDir(from: string = fileURLToPath(import.meta.url)): string | undefined {
  let dir = path.dirname(from);
  for (;;) {
    if (existsSync(path.join(dir, 'pnpm-workspace.yaml'))) {
      const m = path.join(dir, 'models', STATIC_USE_LITE);
      return existsSync(m) ? m : undefined;
    }
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/**
 * A static (model2vec-style) embedder distilled from USE-lite: a text's vector is the mean of one fixed row per
 * SentencePiece token (each row: USE-lite's vector of that piece alone, PCA-reduced, weighted by SIF from the
 * piece's unigram probability), scaled to unit length. No network runs, so it is fast enough for semantic chunking
 * and very large corpora, at a retrieval-quality cost (see models/static-use-lite/README.md). It reads texts of any
 * length whole: nothing is truncated or windowed. The empty string gets the zero vector.
 */
export class StaticEmbedder implements Embedder {
  readonly id: string;
  readonly dim: number;
  /** No window: every token counts (this is only a bound for callers that size chunks by it). */
  readonly maxTokens = 1 << 20;
  readonly modelDir: string;
  readonly tokenizer: UseLiteTokenizer;
  readonly #rows: Float32Array;
  #closed = false;

  private constructor(dir: string, c: StaticModelConfig, rows: Float32Array, tokenizer: UseLiteTokenizer) {
    this.modelDir = dir;
    this.dim = c.dim;
    this.#rows = rows;
    this.tokenizer = tokenizer;
    this.id = `static:${path.basename(dir)}:${c.dim}:${c.vocabSha256.slice(0, 8)}`;
  }

  /** What re-creates this embedder; the shipped model records no folder, so the record is portable. */
  get config(): { name: 'static'; model?: string } {
    return this.modelDir === staticUseLiteDir() ? { name: 'static' } : { name: 'static', model: this.modelDir };
  }

  static async create(options: StaticEmbedderOptions = {}): Promise<StaticEmbedder> {
    const parsed = StaticEmbedderOptionsSchema.safeParse(options);
    if (!parsed.success) {
      throw new SiftError('E_BAD_CONFIG', `Invalid static embedder options: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
    }
    const dir = parsed.data.modelDir ?? staticUseLiteDir();
    if (dir === undefined) {
      throw new SiftError('E_MODEL_MISSING', `${STATIC_USE_LITE} ships in the Sift repository (models/${STATIC_USE_LITE}); outside a checkout pass its folder (static:<dir>)`);
    }
    const configFile = path.join(dir, 'config.json');
    let config: StaticModelConfig;
    try {
      config = StaticModelConfigSchema.parse(JSON.parse(await readFile(configFile, 'utf8')));
    } catch (err) {
      const missing = (err as { code?: string }).code === 'ENOENT';
      throw new SiftError(missing ? 'E_MODEL_MISSING' : 'E_MODEL_MALFORMED', `${missing ? 'Missing' : 'Invalid'} static embedder config ${configFile}: ${(err as Error).message}`, {
        cause: err,
        details: { file: configFile },
      });
    }
    const vocabFile = path.join(useLiteModelDir(), 'vocab.json');
    const vocabBytes = await readFile(vocabFile);
    if (createHash('sha256').update(vocabBytes).digest('hex') !== config.vocabSha256) {
      throw new SiftError('E_MODEL_MALFORMED', `${dir} was distilled for another USE-lite vocabulary than ${vocabFile} (sha256 differs)`, { details: { file: vocabFile } });
    }
    const tableFile = path.join(dir, config.embeddings);
    let bytes: Buffer;
    try {
      bytes = await readFile(tableFile);
    } catch (err) {
      throw new SiftError('E_MODEL_MISSING', `Missing static embedding table ${tableFile}`, { cause: err, details: { file: tableFile } });
    }
    if (bytes.length !== 4 * config.vocabSize * config.dim) {
      throw new SiftError('E_MODEL_MALFORMED', `${tableFile} has ${bytes.length} bytes, expected ${4 * config.vocabSize * config.dim} (vocabSize × dim float32)`, { details: { file: tableFile } });
    }
    const rows = new Float32Array(new Uint8Array(bytes).buffer);
    return new StaticEmbedder(dir, config, rows, await UseLiteTokenizer.fromFile(vocabFile));
  }

  tokenize(text: string): number[] {
    return this.tokenizer.encode(text);
  }

  async embed(texts: string[], opts: RunOptions = {}): Promise<Float32Array[]> {
    if (this.#closed) throw new SiftError('E_CLOSED', 'static embedder is closed');
    const out: Float32Array[] = [];
    const D = this.dim;
    const vocab = this.#rows.length / D;
    for (let i = 0; i < texts.length; i++) {
      if (i % 1024 === 0) {
        throwIfAborted(opts.signal);
        if (i > 0) notifyProgress(opts.onProgress, { status: 'progress', done: i, total: texts.length, unit: 'texts' });
      }
      const v = new Float32Array(D);
      for (const id of this.tokenizer.encode(texts[i]!)) {
        if (id >= vocab) continue;
        const at = id * D;
        for (let d = 0; d < D; d++) v[d]! += this.#rows[at + d]!;
      }
      // The mean's length cancels in the normalisation, so only the sum is kept.
      let n = 0;
      for (let d = 0; d < D; d++) n += v[d]! * v[d]!;
      if (n > 0) {
        const inv = 1 / Math.sqrt(n);
        for (let d = 0; d < D; d++) v[d]! *= inv;
      }
      out.push(v);
    }
    notifyProgress(opts.onProgress, { status: 'done', done: texts.length, total: texts.length, unit: 'texts' });
    return out;
  }

  isOpen(): boolean {
    return !this.#closed;
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}
