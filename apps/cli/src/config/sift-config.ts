import { CONFIG_FILE_NAME, PipelineConfigSchema, type ParsedPipelineConfig } from '@sift/pipeline';

/**
 * `sift.config.json`: the pipeline config of `@sift/pipeline` (the same keys and defaults as `createPipeline` and
 * `sift eval --pipeline`), one key per long flag name. A flag given on the command line wins over the file.
 * Unknown keys are errors, so that a typo never silently falls back to a default.
 */
export const SiftConfigSchema = PipelineConfigSchema;
export type SiftConfig = ParsedPipelineConfig;
export { CONFIG_FILE_NAME };
