import { loadPipelineConfig } from '@sift/pipeline';
import type { CliIo } from '../cli-io.js';
import { CONFIG_FILE_NAME, type SiftConfig } from './sift-config.js';

/**
 * Load `--config FILE`, or `sift.config.json` from the working directory when there is one (else `{}`).
 * Every problem is an E_BAD_CONFIG whose message starts with the file and names the key.
 */
export function loadConfig(io: CliIo, explicit?: string): Promise<SiftConfig> {
  return loadPipelineConfig(explicit ?? CONFIG_FILE_NAME, { shown: explicit ?? CONFIG_FILE_NAME, optional: explicit === undefined, cwd: io.cwd });
}
