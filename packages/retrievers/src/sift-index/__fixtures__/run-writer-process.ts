import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const writer = join(here, 'crash-writer.ts');
const repoRoot = resolve(here, '../../../../..');

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * Runs `crash-writer.ts <dir> <phase>` as its own node process (from the sources, through tsx). `startAfterMs`
 * delays the start; `killAfterMs` sends SIGKILL that long after the start (random-time kills).
 */
export function runWriterProcess(
  dir: string,
  phase: string,
  opts: { env?: Record<string, string>; killAfterMs?: number; startAfterMs?: number } = {},
): Promise<ChildResult> {
  return new Promise((done, fail) => {
    const start = () => {
      const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', writer, dir, phase], {
        cwd: repoRoot,
        env: { ...process.env, ...(opts.env ?? {}) },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
      const timer = opts.killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs);
      child.on('error', fail);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        done({ code, signal, stderr });
      });
    };
    if (opts.startAfterMs) setTimeout(start, opts.startAfterMs);
    else start();
  });
}
