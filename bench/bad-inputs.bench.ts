// The table of issue 11's bad inputs through the CLI (see _bad-inputs.ts): message, exit code, time to fail. Each
// case runs in a fresh temp folder with a 10-minute limit that only a hang reaches ("HANG" in the table).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CASES, runCase, type CaseResult } from './_bad-inputs.js';
import { log, mdTable } from './_bench-utils.js';

const HANG_MS = 600_000;

export default {
  name: 'bad-inputs',
  description: "issue 11's bad inputs through the sift CLI: first stderr line, exit code, time to fail",
  async run({ quick }: { quick: boolean }) {
    const results: CaseResult[] = [];
    for (const c of CASES) {
      const dir = await mkdtemp(path.join(tmpdir(), `sift-bad-${c.id}-`));
      try {
        log(`  ${c.id}`);
        results.push(await runCase(c, dir, quick ? 'test' : 'bench', HANG_MS));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
    const table = mdTable(
      ['case', 'input', 'exit', 'time s', 'stderr (first line)', 'after'],
      results.map((r) => [
        r.id,
        r.what,
        r.timedOut ? 'HANG (killed)' : r.code === null ? `signal ${r.signal}` : String(r.code),
        (r.ms / 1000).toFixed(2),
        (r.message.length > 160 ? `${r.message.slice(0, 157)}…` : r.message).replace(/\|/g, '\\|') || '(none)',
        r.after,
      ]),
    );
    return { table, results };
  },
};
