// The bad inputs of issue 11, each run through the `sift` CLI from source in a child process with a time limit that
// only a hang can reach: what it printed, its exit code and how long it took to fail. Shared by the
// bad-inputs bench (the table) and bench/bad-inputs.test.ts (the expectations).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { workspaceRoot } from './_bench-utils.js';

export interface CaseRun {
  args: string[];
  /** A file to feed as stdin (else stdin is empty). */
  stdinFile?: string;
  /** Send SIGINT once stderr or stdout matches this (the run is then mid-way). */
  interruptOn?: RegExp;
  /** Send SIGINT once this file exists (e.g. the index's .lock: the writer is then mid-run). */
  interruptWhenExists?: string;
  /** Checked after the run: a short description of what is left on disk, for the table. */
  after?: () => string;
}

export interface BadInputCase {
  id: string;
  /** The bad input, in words. */
  what: string;
  /** Build the input under `dir` (an empty folder) and say how to run it. */
  setup(dir: string, size: 'test' | 'bench'): Promise<CaseRun>;
  /** Expected exit code and first stderr line; undefined where another part of the project decides the message. */
  expect?: { code: number; stderr: RegExp };
}

export interface CaseResult {
  id: string;
  what: string;
  code: number | null;
  signal: string | null;
  /** First line of stderr (empty when none). */
  message: string;
  stderrLines: number;
  ms: number;
  timedOut: boolean;
  after: string;
}

const MB = 1 << 20;

async function file(p: string, content: string | Buffer): Promise<string> {
  await mkdir(path.dirname(p), { recursive: true });
  await writeFile(p, content);
  return p;
}

async function corpus(dir: string, files: number, wordsPerFile: number): Promise<string> {
  const words = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau'.split(' ');
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < files; i++) {
    const w = Array.from({ length: wordsPerFile }, () => words[Math.floor(next() * words.length)]).join(' ');
    await file(path.join(dir, `f${String(i).padStart(4, '0')}.txt`), `${w}.\n`);
  }
  return dir;
}

const lockGone = (idx: string) => () => (existsSync(path.join(idx, '.lock')) ? '.lock LEFT BEHIND' : 'no .lock');

export const CASES: BadInputCase[] = [
  {
    id: 'repeated-char',
    what: "one line of one repeated character ('a' × 1 MiB in tests, 50 MiB in the bench), sift chunk",
    async setup(dir, size) {
      const n = size === 'test' ? MB : 50 * MB;
      return { args: ['chunk', await file(path.join(dir, 'a.txt'), 'a'.repeat(n))] };
    },
    expect: { code: 0, stderr: /^$/ },
  },
  {
    id: 'dev-zero',
    what: 'sift chunk /dev/zero',
    async setup() {
      return { args: ['chunk', '/dev/zero'] };
    },
    expect: { code: 1, stderr: /^sift: E_INPUT_UNREADABLE: \/dev\/zero: is a character device, not a regular file/ },
  },
  {
    id: 'stdin-dev-zero',
    what: 'sift chunk - < /dev/zero (stdin, endless)',
    async setup() {
      return { args: ['chunk', '-', '--max-file-size', '16'], stdinFile: '/dev/zero' };
    },
    // NUL bytes: refused as binary from the first 8 KiB (endless text stops at --max-file-size: chunk.test.ts).
    expect: { code: 1, stderr: /^sift: E_INPUT_BINARY: <stdin>: looks binary \(NUL byte at offset 0\)$/ },
  },
  {
    id: 'fifo',
    what: 'a FIFO (no writer) as input to sift index',
    async setup(dir) {
      const fifo = path.join(dir, 'pipe.txt');
      execFileSync('mkfifo', [fifo]);
      return { args: ['index', fifo, '--index', path.join(dir, 'idx')], after: lockGone(path.join(dir, 'idx')) };
    },
    expect: { code: 1, stderr: /^sift: E_INPUT_UNREADABLE: .*pipe\.txt: is a FIFO \(named pipe\), not a regular file/ },
  },
  {
    id: 'too-large',
    what: 'a 3 MiB file with --max-file-size 1',
    async setup(dir) {
      return { args: ['chunk', await file(path.join(dir, 'big.txt'), 'word '.repeat((3 * MB) / 5)), '--max-file-size', '1'] };
    },
    expect: { code: 1, stderr: /^sift: E_INPUT_TOO_LARGE: .*big\.txt: \d+ bytes is over the 1 MiB limit/ },
  },
  {
    id: 'utf16-no-bom',
    what: 'UTF-16LE text without a BOM',
    async setup(dir) {
      return { args: ['chunk', await file(path.join(dir, 'u16.txt'), Buffer.from('Plain English text saved as UTF-16.\n'.repeat(20), 'utf16le'))] };
    },
    expect: { code: 0, stderr: /^$/ },
  },
  {
    id: 'newline-name',
    what: 'an empty file whose name holds a newline',
    async setup(dir) {
      await file(path.join(dir, 'in', 'two\nlines.txt'), '');
      return { args: ['chunk', path.join(dir, 'in')] };
    },
    expect: { code: 1, stderr: /^sift: E_INPUT_EMPTY: ".*in\/two\\nlines\.txt": empty$/ },
  },
  {
    id: 'index-proc',
    what: 'sift index --index /proc/x',
    async setup(dir) {
      return { args: ['index', await corpus(path.join(dir, 'docs'), 2, 20), '--index', '/proc/x'] };
    },
  },
  {
    id: 'index-at-file',
    what: 'sift index --index <a regular file>',
    async setup(dir) {
      return { args: ['index', await corpus(path.join(dir, 'docs'), 2, 20), '--index', await file(path.join(dir, 'not-a-dir'), 'x')] };
    },
  },
  {
    id: 'index-foreign-folder',
    what: 'sift index --index <a folder holding lance/ and other files>',
    async setup(dir) {
      const target = path.join(dir, 'project');
      await file(path.join(target, 'lance', 'keep.txt'), 'user data');
      await file(path.join(target, 'notes.md'), 'mine');
      return {
        args: ['index', await corpus(path.join(dir, 'docs'), 2, 20), '--index', target],
        after: () => (existsSync(path.join(target, 'lance', 'keep.txt')) ? 'lance/keep.txt kept' : 'lance/keep.txt DELETED'),
      };
    },
  },
  {
    id: 'chunker-mismatch',
    what: 'sift index --chunker token into a recursive index',
    async setup(dir) {
      const idx = path.join(dir, 'idx');
      const docs = await corpus(path.join(dir, 'docs'), 2, 20);
      execFileSync(process.execPath, [...CLI, 'index', docs, '--index', idx], { cwd: workspaceRoot(), stdio: 'ignore', env: cliEnv() });
      await corpus(path.join(dir, 'docs'), 3, 20);
      return { args: ['index', docs, '--index', idx, '--chunker', 'token'] };
    },
  },
  {
    id: 'eval-malformed-choi',
    what: 'sift eval on a Choi set where one document has a doubled separator',
    async setup(dir) {
      const sub = path.join(dir, 'datasets', 'choi', '1', '3-5');
      await file(path.join(sub, '0.ref'), '==========\nA cat sat .\nIt purred .\n==========\nStocks fell .\nBonds rose .\n==========\n');
      await file(path.join(sub, '1.ref'), '==========\nA dog ran .\n==========\n==========\nRain fell .\n==========\n');
      return { args: ['eval', '--dataset', 'choi:1/3-5', '--segmenter', 'texttiling', '--datasets-dir', path.join(dir, 'datasets'), '--out', path.join(dir, 'out')] };
    },
    expect: { code: 0, stderr: /^sift: warning: skipped a malformed item: .*1\.ref:4: empty segment between two separators$/ },
  },
  {
    id: 'eval-malformed-choi-strict',
    what: 'the same with --strict',
    async setup(dir) {
      const run = await CASES.find((c) => c.id === 'eval-malformed-choi')!.setup(dir, 'test');
      return { args: [...run.args, '--strict'] };
    },
    expect: { code: 1, stderr: /^sift: E_DATASET_MALFORMED: .*1\.ref:4: empty segment between two separators$/ },
  },
  {
    id: 'sigint-index',
    what: 'Ctrl-C (SIGINT) during sift index, after its first progress line',
    async setup(dir, size) {
      const idx = path.join(dir, 'idx');
      const docs = await corpus(path.join(dir, 'docs'), size === 'test' ? 400 : 800, 2000);
      return { args: ['index', docs, '--index', idx, '--progress'], interruptOn: /^index: \d+\/\d+ files/m, after: lockGone(idx) };
    },
    expect: { code: 130, stderr: /^sift: aborted$/ },
  },
  {
    id: 'sigint-huge-doc',
    what: 'Ctrl-C (SIGINT) while sift index works on one large document (20 MB in tests, 200 MB in the bench)',
    async setup(dir, size) {
      const idx = path.join(dir, 'idx');
      const words = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu. '.repeat(1000);
      const doc = await file(path.join(dir, 'big.txt'), words.repeat(Math.ceil((size === 'test' ? 20 : 200) * 1e6 / words.length)));
      return { args: ['index', doc, '--index', idx], interruptWhenExists: path.join(idx, '.lock'), after: lockGone(idx) };
    },
    expect: { code: 130, stderr: /^sift: aborted$/ },
  },
];

/** `node <these> apps/cli/src/bin.ts …` runs the CLI from source. */
export const CLI = ['--conditions=source', '--import', 'tsx', 'apps/cli/src/bin.ts'];

function cliEnv(): NodeJS.ProcessEnv {
  return { ...process.env, CI: 'true', SIFT_DEBUG: '' };
}

/** Run one case; a run past `timeoutMs` is killed (SIGKILL) and reported as timed out — a hang. */
export async function runCase(c: BadInputCase, dir: string, size: 'test' | 'bench', timeoutMs: number): Promise<CaseResult> {
  const run = await c.setup(dir, size);
  const stdinFd = run.stdinFile ? openSync(run.stdinFile, 'r') : undefined;
  const t0 = performance.now();
  const child = spawn(process.execPath, [...CLI, ...run.args], {
    cwd: workspaceRoot(),
    env: cliEnv(),
    stdio: [stdinFd ?? 'ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let seen = '';
  let interrupted = false;
  const watch = (s: string) => {
    if (!run.interruptOn || interrupted) return;
    seen = (seen + s).slice(-4096);
    if (run.interruptOn.test(seen)) {
      interrupted = true;
      child.kill('SIGINT');
    }
  };
  child.stdout.on('data', (b: Buffer) => watch(b.toString('utf8')));
  child.stderr.on('data', (b: Buffer) => {
    const s = b.toString('utf8');
    stderr += s;
    watch(s);
  });
  // Polled until the child ends (cleared on close), so bounded by the case's own time limit.
  const poll = run.interruptWhenExists
    ? setInterval(() => {
        if (!interrupted && existsSync(run.interruptWhenExists!)) {
          interrupted = true;
          child.kill('SIGINT');
        }
      }, 50)
    : undefined;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c2, s2) => resolve([c2, s2])));
  clearTimeout(timer);
  clearInterval(poll);
  if (stdinFd !== undefined) closeSync(stdinFd);
  const ms = performance.now() - t0;
  // The interrupt notice and progress lines are not the outcome: report the line after them.
  const lines = stderr.split('\n').filter((l) => l.trim() !== '' && !/^index: \d+/.test(l));
  const message = (interrupted ? lines.filter((l) => !l.startsWith('sift: interrupted')).at(-1) : lines[0]) ?? '';
  return { id: c.id, what: c.what, code, signal, message, stderrLines: lines.length, ms, timedOut, after: run.after?.() ?? '' };
}
