// Every bad input of issue 11 through the CLI from source: each must end (the per-case limit is far beyond any
// normal run; only a hang reaches it) with one clear stderr line and the expected exit code. Speed is not asserted.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CASES, runCase } from './_bad-inputs.js';

const HANG_MS = 240_000;

describe('bad inputs through the sift CLI', () => {
  it.each(CASES.map((c) => [c.id, c] as const))('%s ends with one clear line', { timeout: HANG_MS + 60_000 }, async (_id, c) => {
    const dir = await mkdtemp(path.join(tmpdir(), `sift-bad-${c.id}-`));
    try {
      const r = await runCase(c, dir, 'test', HANG_MS);
      expect(r.timedOut).toBe(false);
      if (c.expect) {
        expect({ code: r.code, message: r.message }).toEqual({ code: c.expect.code, message: expect.stringMatching(c.expect.stderr) });
      } else {
        // Cases whose wording belongs to other parts of the project: a coded error, one line, a failing exit code.
        expect(r.code === 1 || r.code === 2).toBe(true);
        expect(r.message).toMatch(/^sift: E_[A-Z_]+: \S/);
        expect(r.stderrLines).toBe(1);
      }
      expect(r.after).not.toMatch(/LEFT BEHIND|DELETED/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
