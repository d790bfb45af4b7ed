// Token ids for M2 encoders: the folder's tokenizer.json run by transformers.js (local files only), [CLS] … [SEP]
// around the content. For late chunking, a document is tokenized one segment at a time between consecutive span
// edges, so every span maps to an exact run of tokens (a merge across a chunk edge is the only difference from
// tokenizing the document in one piece).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SiftError } from '../../errors.js';
import type { M2Config } from './m2-config.js';

interface HfTokenizer {
  encode(text: string, o?: { add_special_tokens?: boolean }): number[];
}
type HfTokenizerClass = new (json: unknown, config: unknown) => HfTokenizer;

export interface SegmentTokens {
  /** Content ids of the whole text, no specials. */
  ids: number[];
  /** Token index where each edge starts: edgeToken[i] for edges[i] (the last is ids.length). */
  edgeToken: Map<number, number>;
}

export class M2Tokenizer {
  readonly cls: number;
  readonly sep: number;
  readonly #tok: HfTokenizer;

  private constructor(tok: HfTokenizer, cls: number, sep: number) {
    this.#tok = tok;
    this.cls = cls;
    this.sep = sep;
  }

  static async fromDir(dir: string, config: M2Config): Promise<M2Tokenizer> {
    const file = path.join(dir, 'tokenizer.json');
    if (!existsSync(file)) {
      throw new SiftError('E_MODEL_MISSING', `M2 model folder ${dir} has no tokenizer.json (official checkpoints use bert-base-uncased's; copy it there)`, {
        details: { dir, file },
      });
    }
    let json: unknown;
    let tcfg: Record<string, unknown> = {};
    try {
      json = JSON.parse(await readFile(file, 'utf8'));
      const cfgFile = path.join(dir, 'tokenizer_config.json');
      if (existsSync(cfgFile)) tcfg = JSON.parse(await readFile(cfgFile, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new SiftError('E_MODEL_MALFORMED', `Cannot read the tokenizer in ${dir}: ${(err as Error).message}`, { cause: err, details: { dir } });
    }
    let mod: Record<string, unknown>;
    try {
      mod = (await import('@huggingface/transformers')) as unknown as Record<string, unknown>;
    } catch (err) {
      throw new SiftError('E_DEPENDENCY_MISSING', 'M2 encoders need @huggingface/transformers for their tokenizer', { cause: err });
    }
    const name = typeof tcfg['tokenizer_class'] === 'string' ? tcfg['tokenizer_class'].replace(/Fast$/, '') : '';
    const cls = (mod[name] ?? mod['PreTrainedTokenizer']) as HfTokenizerClass;
    let tok: HfTokenizer;
    try {
      tok = new cls(json, tcfg);
    } catch (err) {
      throw new SiftError('E_MODEL_MALFORMED', `transformers.js cannot build a tokenizer from ${file}: ${(err as Error).message}`, { cause: err, details: { file } });
    }
    let clsId = config.sift?.cls_token_id;
    let sepId = config.sift?.sep_token_id;
    if (clsId === undefined || sepId === undefined) {
      // A BERT tokenizer's post-processor wraps even the empty text: [CLS] [SEP].
      const specials = tok.encode('', { add_special_tokens: true });
      if (specials.length !== 2) {
        throw new SiftError('E_MODEL_MALFORMED', `${file}: cannot tell [CLS]/[SEP] (set sift.cls_token_id and sift.sep_token_id in config.json)`, { details: { file } });
      }
      [clsId, sepId] = specials as [number, number];
    }
    return new M2Tokenizer(tok, clsId, sepId);
  }

  /** Content ids of a text, no special tokens. */
  content(text: string): number[] {
    return text.length === 0 ? [] : this.#tok.encode(text, { add_special_tokens: false });
  }

  /** [CLS] content [SEP], the content cut to fit `length`; `truncated` says whether it was. */
  encode(text: string, length: number): { ids: number[]; truncated: boolean } {
    const content = this.content(text);
    const keep = Math.max(0, length - 2);
    return { ids: [this.cls, ...content.slice(0, keep), this.sep], truncated: content.length > keep };
  }

  /** Content ids of `text` tokenized segment by segment between the sorted, distinct `edges` (0 and text.length included). */
  segments(text: string, edges: readonly number[]): SegmentTokens {
    const ids: number[] = [];
    const edgeToken = new Map<number, number>();
    for (let i = 0; i < edges.length; i++) {
      edgeToken.set(edges[i]!, ids.length);
      if (i + 1 < edges.length) for (const id of this.content(text.slice(edges[i], edges[i + 1]))) ids.push(id);
    }
    return { ids, edgeToken };
  }
}
