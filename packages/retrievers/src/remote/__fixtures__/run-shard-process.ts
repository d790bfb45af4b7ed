import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = resolve(here, '../../../../..');

export interface ShardRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs `shard-worker.ts` as its own node process (from the sources, through tsx) with `env` added. */
export function runShardProcess(args: string[], env: Record<string, string>): Promise<ShardRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', join(here, 'shard-worker.ts'), ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', fail);
    child.on('close', (code, signal) => done({ code, signal, stderr }));
  });
}
