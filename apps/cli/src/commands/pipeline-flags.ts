import type { PipelineConfig } from '@sift/pipeline';
import { isRemoteIndexUri } from '@sift/retrievers';
import type { CliContext } from '../cli-context.js';
import type { SiftConfig } from '../config/sift-config.js';
import { resolveArg } from '../paths.js';

/**
 * The pipeline config of one command: the config file's keys with the given flags laid over them (flags win). Only
 * the keys a command has flags for are taken from `flags`; the index folder is resolved against the working directory.
 */
export function configFromFlags(ctx: CliContext, cfg: SiftConfig, flags: Record<string, unknown>, keys: ReadonlyArray<keyof SiftConfig>): PipelineConfig {
  const { $schema: _s, ext: _e, strict: _st, ...rest } = cfg;
  const out: Record<string, unknown> = { ...rest };
  for (const key of keys) if (flags[key] !== undefined) out[key] = flags[key];
  // A chunker named by flag replaces a chunker object from the file, but keeps the file's size/overlap/tokenizer keys.
  if (typeof flags.chunker === 'string' && typeof cfg.chunker === 'object') out.chunker = flags.chunker;
  const index = (flags.index as string | undefined) ?? cfg.index ?? '.sift';
  // An object-store URI (s3://bucket/path) is kept as typed; only folders are relative to the working directory.
  out.index = isRemoteIndexUri(index) ? index : resolveArg(ctx.io, index);
  return out as PipelineConfig;
}
