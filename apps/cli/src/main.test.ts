import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRepoRoot } from './paths.js';

const root = findRepoRoot()!;
const tsx = path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const bin = path.join(root, 'apps', 'cli', 'src', 'bin.ts');
const book = path.join(root, 'node_modules', '@stdlib', 'datasets-moby-dick', 'data', 'data.txt');

// The one test that starts a real process (from the sources through tsx, so no build is needed): a closed stdout
// (`sift chunk … | head -1`) must end the run quietly with exit 0, not with an EPIPE stack trace.
describe('bin: a reader that goes away', () => {
  it.skipIf(!existsSync(tsx) || !existsSync(book))('stops on EPIPE with exit 0 and nothing on stderr', async () => {
    const child = spawn(process.execPath, [tsx, '--conditions=source', bin, 'chunk', book, '--size', '32'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const firstLine = await new Promise<string>((resolve) => {
      let buf = '';
      child.stdout.setEncoding('utf8').on('data', (s: string) => {
        buf += s;
        const nl = buf.indexOf('\n');
        if (nl >= 0) {
          child.stdout.destroy();
          resolve(buf.slice(0, nl));
        }
      });
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(JSON.parse(firstLine)).toMatchObject({ docId: 'data.txt', start: 0 });
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
