import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliIo } from './cli-io.js';
import { createProgressView } from './progress.js';

/** A terminal-like stderr that keeps what was written. */
function terminal(): { io: CliIo; written: () => string } {
  let out = '';
  const stderr = Object.assign(
    new Writable({
      write(chunk: Buffer | string, _enc, done) {
        out += chunk.toString();
        done();
      },
    }),
    { isTTY: true, columns: 100 },
  );
  const io = { stdout: stderr, stderr, stdin: [], env: {}, cwd: process.cwd() } as unknown as CliIo;
  return { io, written: () => out };
}

describe('createProgressView', () => {
  it('draws a bar on a terminal (cli-progress, loaded on first use)', () => {
    const { io, written } = terminal();
    const view = createProgressView(io, 'index', 'files');
    view.update(1, 4);
    view.update(4, 4, 'done');
    view.stop();
    expect(written()).toContain('index [');
    expect(written()).toContain('4/4 files done');
  });

  it('prints plain lines off a terminal only when asked, and nothing otherwise', () => {
    const { io, written } = terminal();
    const plainIo = { ...io, stderr: Object.assign(io.stderr, { isTTY: false }) } as CliIo;
    createProgressView(plainIo, 'index', 'files').update(1, 2);
    expect(written()).toBe('');
    const view = createProgressView(plainIo, 'index', 'files', true);
    view.update(1, 2);
    view.update(2, 2);
    expect(written()).toBe('index: 1/2 files\nindex: 2/2 files\n');
  });
});
