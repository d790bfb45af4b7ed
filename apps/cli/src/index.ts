// The CLI as a library: run `sift` commands in-process (tests, embedding in other tools).
export { run, EXIT } from './run.js';
export { main } from './main.js';
export { processIo, STDOUT_CLOSED, type CliIo, type TextSink } from './cli-io.js';
export type { CliContext } from './cli-context.js';
export type { CommandFactory } from './program.js';
export { SiftConfigSchema, CONFIG_FILE_NAME, type SiftConfig } from './config/sift-config.js';
export { loadConfig } from './config/load-config.js';
