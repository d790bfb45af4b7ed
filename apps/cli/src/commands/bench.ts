import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { SiftError } from '@sift/core';
import { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { findRepoRoot } from '../paths.js';

/**
 * `sift bench [name…] [--json] [--quick]`: runs the repository's benchmarks (`bench/run.ts`, which discovers
 * `bench/*.bench.ts`) in a child process on the TypeScript sources, streaming its output through.
 */
export function benchCommand(ctx: CliContext): Command {
  return new Command('bench')
    .description("run the repository's benchmarks (bench/*.bench.ts); needs a source checkout")
    .argument('[names...]', 'benchmark names (default: all)')
    .option('--json', 'machine-readable results on stdout')
    .option('--quick', 'smaller inputs, for a fast check')
    .option('--lengths <list>', 'sequence lengths for benches that sweep them, e.g. 2k,32k (bench m2)')
    .action(async (names: string[], opts: { json?: boolean; quick?: boolean; lengths?: string }) => {
      const root = findRepoRoot();
      const runner = root && path.join(root, 'bench', 'run.ts');
      const tsx = root && path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
      if (!root || !runner || !existsSync(runner) || !tsx || !existsSync(tsx)) {
        throw new SiftError('E_DEPENDENCY_MISSING', 'benchmarks need a source checkout of Sift (bench/run.ts and tsx); run "pnpm bench" there');
      }
      const args = [
        tsx,
        '--conditions=source',
        runner,
        ...names,
        ...(opts.json ? ['--json'] : []),
        ...(opts.quick ? ['--quick'] : []),
        ...(opts.lengths !== undefined ? ['--lengths', opts.lengths] : []),
      ];
      const code = await new Promise<number>((resolve, reject) => {
        const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...ctx.io.env }, signal: ctx.signal, stdio: ['ignore', 'pipe', 'pipe'] });
        // Decode as streams, so that a character split across two reads stays whole.
        child.stdout.setEncoding('utf8').on('data', (s: string) => ctx.io.stdout.write(s));
        child.stderr.setEncoding('utf8').on('data', (s: string) => ctx.io.stderr.write(s));
        child.on('error', (err) =>
          reject(ctx.signal.aborted ? new SiftError('E_ABORTED', 'benchmark interrupted', { cause: err }) : new SiftError('E_RUNTIME', `cannot start the benchmark runner: ${err.message}`, { cause: err })),
        );
        child.on('close', (c) => resolve(c ?? 1));
      });
      if (code !== 0) throw new SiftError('E_RUNTIME', `benchmark runner exited with code ${code}`);
    });
}
