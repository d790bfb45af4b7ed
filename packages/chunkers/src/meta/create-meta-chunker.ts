import type { TokenLogprobModel } from '@sift/core';
import { loadMetaLm } from './load-lm.js';
import { MarginChunker, type MarginChunkerConfig } from './margin-chunker.js';
import { PplChunker, type PplChunkerConfig } from './ppl-chunker.js';

/** Models the meta chunkers can take instead of loading the one their config names. */
export interface MetaChunkerDeps {
  /** Used as is (and left open) in place of `config.lm`. */
  lm?: TokenLogprobModel;
}

/** A meta chunker that loaded its own LM; `close()` releases it. */
export type OwnedMetaChunker = (PplChunker | MarginChunker) & { close(): Promise<void> };

/** `createChunker` helper for 'ppl' and 'margin': the injected LM, else the one `config.lm` names. */
export async function createMetaChunker(config: PplChunkerConfig | MarginChunkerConfig, deps: MetaChunkerDeps = {}): Promise<PplChunker | MarginChunker> {
  const { chunker, lm: spec, ...options } = config;
  const owned = deps.lm === undefined;
  const lm =
    deps.lm ??
    (await loadMetaLm(spec, {
      ...(options.kn ? { kn: options.kn } : {}),
      ...(options.threads ? { threads: options.threads } : {}),
    }));
  const made = chunker === 'ppl' ? await PplChunker.create(lm, options) : await MarginChunker.create(lm, options as MarginChunkerConfig);
  const close = async (): Promise<void> => {
    if (owned) await (lm as { close?(): Promise<void> }).close?.();
  };
  return Object.assign(made, { close }) as OwnedMetaChunker;
}
