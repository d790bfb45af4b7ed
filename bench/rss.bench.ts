// Peak memory (max RSS) of `sift index` run from source on generated text: one 200 MB file, and 1 GB in many 512 KB
// files (--quick: 20 MB and 100 MB). Text is generated into a temp folder (seeded words, sentences and paragraphs)
// and deleted afterwards; RSS comes from /usr/bin/time (-f %M) around the CLI process, so it includes everything the
// process touched. The reference figure is issue 11's: 2.69 GB for the 200 MB file before the streaming work.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLI } from './_bad-inputs.js';
import { log, mdTable, seededRandom, workspaceRoot } from './_bench-utils.js';

const MB = 1_000_000;
const ISSUE_200MB_RSS_GB = 2.69;
const WORDS =
  'the of and to in is was for that with as on by at from his her which this are be had it an were not but have one all their there been has its more who they would two first after other into new also time only some over about many most years'.split(' ');

/** Write `bytes` of generated English-like text to `file`, in 1 MB blocks. */
async function generate(file: string, bytes: number, seed: number): Promise<void> {
  const rand = seededRandom(seed);
  const out = createWriteStream(file);
  let written = 0;
  while (written < bytes) {
    let block = '';
    while (block.length < Math.min(MB, bytes - written)) {
      const n = 8 + Math.floor(rand() * 20);
      const words = Array.from({ length: n }, () => WORDS[Math.floor(rand() * WORDS.length)]!);
      words[0] = words[0]![0]!.toUpperCase() + words[0]!.slice(1);
      block += `${words.join(' ')}.${rand() < 0.15 ? '\n\n' : ' '}`;
    }
    block = block.slice(0, bytes - written);
    written += block.length;
    if (!out.write(block)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

interface Row {
  input: string;
  mb: number;
  files: number;
  exit: number | null;
  maxRssMb: number;
  wallS: number;
}

async function measure(input: string, index: string): Promise<{ exit: number | null; maxRssMb: number; wallS: number; stderr: string }> {
  const out = path.join(path.dirname(index), `time-${path.basename(index)}.txt`);
  const child = spawn('/usr/bin/time', ['-o', out, '-f', '%M %e', process.execPath, ...CLI, 'index', input, '--index', index], {
    cwd: workspaceRoot(),
    env: { ...process.env, CI: 'true' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
  const exit = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const [kb, s] = (await readFile(out, 'utf8')).trim().split('\n').at(-1)!.split(' ');
  return { exit, maxRssMb: Number(kb) / 1024, wallS: Number(s), stderr };
}

export default {
  name: 'rss',
  description: 'peak RSS of sift index on one 200 MB file and on 1 GB in many files (generated, then deleted)',
  async run({ quick }: { quick: boolean }) {
    if (!existsSync('/usr/bin/time')) throw new Error('the rss bench needs /usr/bin/time (GNU time) for the child process peak RSS');
    const single = quick ? 20 : 200;
    const many = quick ? 100 : 1000;
    const fileMb = 0.5;
    const root = await mkdtemp(path.join(tmpdir(), 'sift-rss-'));
    const rows: Row[] = [];
    try {
      log(`  generating ${single} MB in one file`);
      const one = path.join(root, 'single.txt');
      await generate(one, single * MB, 1);
      log('  sift index (single file)');
      const a = await measure(one, path.join(root, 'idx-single'));
      if (a.exit !== 0) log(a.stderr);
      log(`    peak RSS ${Math.round(a.maxRssMb)} MB, ${a.wallS.toFixed(1)} s, exit ${a.exit}`);
      rows.push({ input: 'one file', mb: single, files: 1, exit: a.exit, maxRssMb: a.maxRssMb, wallS: a.wallS });
      await rm(path.join(root, 'idx-single'), { recursive: true, force: true });
      await rm(one, { force: true });

      const dir = path.join(root, 'many');
      await mkdir(dir);
      const n = Math.round(many / fileMb);
      log(`  generating ${many} MB in ${n} files`);
      for (let i = 0; i < n; i++) await generate(path.join(dir, `doc-${String(i).padStart(5, '0')}.txt`), fileMb * MB, 100 + i);
      log('  sift index (many files)');
      const b = await measure(dir, path.join(root, 'idx-many'));
      if (b.exit !== 0) log(b.stderr);
      log(`    peak RSS ${Math.round(b.maxRssMb)} MB, ${b.wallS.toFixed(1)} s, exit ${b.exit}`);
      rows.push({ input: 'many files', mb: many, files: n, exit: b.exit, maxRssMb: b.maxRssMb, wallS: b.wallS });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
    const table = mdTable(
      ['input', 'MB', 'files', 'exit', 'peak RSS MB', 'wall s', 'reference'],
      rows.map((r) => [r.input, r.mb, r.files, String(r.exit), Math.round(r.maxRssMb), r.wallS.toFixed(1), r.files === 1 && r.mb === 200 ? `${ISSUE_200MB_RSS_GB * 1000} MB (issue 11, before)` : '']),
    );
    return { table, results: rows };
  },
};
