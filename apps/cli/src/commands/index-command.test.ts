import { constants, existsSync } from 'node:fs';
import { access, chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../testing.js';
import type { QueryOutput, QueryResult } from './query.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sift-index-'));
});
afterEach(async () => {
  await chmod(path.join(dir, 'bad', 'locked.txt'), 0o644).catch(() => {});
  await rm(dir, { recursive: true, force: true });
});

async function writeCorpus(folder: string): Promise<void> {
  await mkdir(path.join(folder, 'notes'), { recursive: true });
  await writeFile(path.join(folder, 'whales.txt'), 'The sperm whale dives deep to hunt giant squid in the dark ocean.\n\nAhab chased the white whale across the sea.');
  await writeFile(path.join(folder, 'notes', 'bread.md'), '# Baking\n\nKnead the dough, let the yeast rise overnight, then bake the bread at high heat.');
  await writeFile(path.join(folder, 'stars.jsonl'), `${JSON.stringify({ title: 'Stars', text: 'A telescope gathers starlight to show distant galaxies.' })}\n`);
}

/** An unreadable file: chmod 000 where that works; as root (who reads anything) a dangling symlink instead. */
async function makeUnreadable(file: string): Promise<void> {
  await writeFile(file, 'secret');
  await chmod(file, 0o000);
  const readable = await access(file, constants.R_OK).then(
    () => true,
    () => false,
  );
  if (readable) {
    await rm(file);
    await symlink(path.join(path.dirname(file), 'missing-target.txt'), file);
  }
}

describe('sift index + sift query', () => {
  it('indexes a folder, then a second run answers from the index on disk', async () => {
    const corpus = path.join(dir, 'corpus');
    const idx = path.join(dir, 'idx');
    await writeCorpus(corpus);
    const a = await runCli(['index', corpus, '--index', idx, '--size', '64']);
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/^indexed 3 new, 0 changed, 0 unchanged documents: \d+ chunks written, 0 files skipped, [\d.]+s\n/);
    expect(a.stdout).toContain(`index ${idx}: 3 documents,`);

    const q = await runCli(['query', 'white whale', '--index', idx, '--k', '2', '--json']);
    expect(q.stderr).toBe('');
    expect(q.code).toBe(0);
    const out = JSON.parse(q.stdout) as QueryOutput;
    expect(out.query).toBe('white whale');
    expect(out.results[0]).toMatchObject({ rank: 1, docId: 'whales.txt' });
    const top = out.results[0]!;
    expect(Object.keys(top)).toEqual(['rank', 'score', 'docId', 'chunkId', 'start', 'end', 'text', 'tokenCount']);
    expect(out.selection).toEqual({ name: 'topk', budget: null, tokens: out.results.reduce((s, r) => s + r.tokenCount, 0) });
    expect(top.end - top.start).toBe(top.text.length);
    expect(out.results.every((r, i) => i === 0 || r.score <= out.results[i - 1]!.score)).toBe(true);

    // Re-indexing the same folder skips unchanged documents and keeps the chunker it was built with.
    const again = await runCli(['index', corpus, '--index', idx]);
    expect(again.stdout).toMatch(/^indexed 0 new, 0 changed, 3 unchanged documents/);
    const clash = await runCli(['index', corpus, '--index', idx, '--size', '128']);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toMatch(/^sift: E_BAD_CONFIG: index .* was built with chunker recursive \(size 64, .*add --rebuild/);
  });

  it('an aborted run (Ctrl-C) prints one line, exits 130 and leaves the index at its last commit', async () => {
    const corpus = path.join(dir, 'corpus');
    const idx = path.join(dir, 'idx');
    await writeCorpus(corpus);
    await writeFile(path.join(corpus, 'whales.txt'), 'Changed text about whales, which would replace the old chunks.');
    expect((await runCli(['index', path.join(corpus, 'notes'), '--index', idx])).code).toBe(0);
    const ctrl = new AbortController();
    ctrl.abort();
    const r = await runCli(['index', corpus, '--index', idx], { signal: ctrl.signal });
    expect(r.code).toBe(130);
    expect(r.stderr).toBe('sift: aborted\n');
    const doctor = JSON.parse((await runCli(['doctor', '--index', idx, '--json'])).stdout) as { index: unknown };
    expect(doctor.index).toMatchObject({ documents: 1, version: 2 });
  });

  it('takes defaults from sift.config.json in the working directory, flags winning', async () => {
    const corpus = path.join(dir, 'corpus');
    await writeCorpus(corpus);
    await writeFile(path.join(dir, 'sift.config.json'), JSON.stringify({ index: 'from-config', chunker: 'sentence', size: 32, ext: 'txt' }));
    const r = await runCli(['index', 'corpus', '--size', '48'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`index ${path.join(dir, 'from-config')}: 1 documents,`);
    const q = await runCli(['query', 'squid', '--json'], { cwd: dir });
    expect((JSON.parse(q.stdout) as { results: QueryResult[] }).results[0]?.docId).toBe('whales.txt');
  });

  it('fails on a path that does not exist without creating an index', async () => {
    const idx = path.join(dir, 'idx');
    const r = await runCli(['index', path.join(dir, 'nope'), '--index', idx]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`sift: E_INPUT_UNREADABLE: ${path.join(dir, 'nope')}: cannot read (ENOENT)\n`);
    expect(existsSync(idx)).toBe(false);
  });

  it('fails on an unknown config key with a message naming it, before touching the index', async () => {
    await writeFile(path.join(dir, 'sift.config.json'), JSON.stringify({ chunkr: 'token' }));
    const r = await runCli(['index', '.'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('sift: E_BAD_CONFIG: sift.config.json: unknown key "chunkr" (did you mean "chunker"?)\n');
  });
});

describe('sift index + sift query with vectors (USE-lite)', () => {
  it('stores vectors for --retriever hybrid, and a second run queries hybrid and dense with the recorded embedder', async () => {
    const corpus = path.join(dir, 'corpus');
    const idx = path.join(dir, 'idx');
    await writeCorpus(corpus);
    const a = await runCli(['index', corpus, '--index', idx, '--retriever', 'hybrid']);
    expect(a.code).toBe(0);
    expect(a.stdout).toContain('3 documents');
    const doctor = await runCli(['doctor', '--index', idx, '--json']);
    expect((JSON.parse(doctor.stdout) as { index: { embedder: string } }).index.embedder).toBe('use-lite');
    for (const retriever of [[], ['--retriever', 'dense']]) {
      const q = await runCli(['query', 'how do I make a loaf of bread', '--index', idx, '--k', '3', '--json', ...retriever]);
      expect(q.stderr).toBe('');
      expect(q.code).toBe(0);
      expect((JSON.parse(q.stdout) as { results: QueryResult[] }).results[0]?.docId).toBe('notes/bread.md');
    }
  });

  it('says how to get vectors when a bm25-only index is queried densely', async () => {
    const corpus = path.join(dir, 'corpus');
    const idx = path.join(dir, 'idx');
    await writeCorpus(corpus);
    expect((await runCli(['index', corpus, '--index', idx])).code).toBe(0);
    const q = await runCli(['query', 'bread', '--index', idx, '--retriever', 'dense']);
    expect(q.code).toBe(2);
    expect(q.stderr).toMatch(/^sift: E_BAD_CONFIG: index .* has no vectors .*--retriever bm25.*--embedder use-lite --rebuild/);
  });
});

describe('sift index: bad input', () => {
  async function badDir(): Promise<string> {
    const bad = path.join(dir, 'bad');
    await mkdir(bad);
    await writeFile(path.join(bad, 'good-1.txt'), 'Queequeg was a native of Kokovoko, an island far away to the West and South.');
    await writeFile(path.join(bad, 'good-2.md'), 'Call me Ishmael. Some years ago I went to sea.');
    await writeFile(path.join(bad, 'binary.txt'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0]));
    await writeFile(path.join(bad, 'empty.txt'), '');
    await writeFile(path.join(bad, 'latin1.txt'), Buffer.from('Ahab \xe9tait l\xe0', 'latin1'));
    await makeUnreadable(path.join(bad, 'locked.txt'));
    return bad;
  }

  it('indexes the good files, names each bad one on stderr, exits 0; --strict exits 1', async () => {
    const bad = await badDir();
    const idx = path.join(dir, 'idx');
    const r = await runCli(['index', bad, '--index', idx]);
    expect(r.code).toBe(0);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toEqual([
      `sift: E_INPUT_BINARY: ${path.join(bad, 'binary.txt')}: looks binary (NUL byte at offset 7)`,
      `sift: E_INPUT_EMPTY: ${path.join(bad, 'empty.txt')}: empty`,
      `sift: E_INPUT_ENCODING: ${path.join(bad, 'latin1.txt')}: not valid UTF-8 (bad byte near offset 5)`,
      expect.stringMatching(new RegExp(`^sift: E_INPUT_UNREADABLE: ${path.join(bad, 'locked.txt')}: cannot read \\((EACCES|ENOENT)`)),
    ]);
    expect(r.stdout).toMatch(/^indexed 2 new, .* 4 files skipped/);

    const strict = await runCli(['index', bad, '--index', idx, '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.stderr.trimEnd().split('\n')).toHaveLength(5);
    expect(strict.stderr).toMatch(/sift: E_BAD_INPUT: 4 input files were skipped \(--strict\)\n$/);
    expect(strict.stdout).toMatch(/^indexed 0 new, 0 changed, 2 unchanged documents/);
  });
});

describe('sift index --sync, sift query --selector, --progress', () => {
  it('--sync removes the documents whose files are gone and says how many', async () => {
    const corpus = path.join(dir, 'corpus');
    const idx = path.join(dir, 'idx');
    await writeCorpus(corpus);
    expect((await runCli(['index', corpus, '--index', idx])).code).toBe(0);
    await rm(path.join(corpus, 'whales.txt'));
    const plain = await runCli(['index', corpus, '--index', idx]);
    expect(plain.stdout).toContain(`index ${idx}: 3 documents,`); // without --sync the gone file stays indexed
    const r = await runCli(['index', corpus, '--index', idx, '--sync']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^indexed 0 new, 0 changed, 2 unchanged documents/);
    expect(r.stdout).toContain('removed 1 document whose files are gone\n');
    expect(r.stdout).toContain(`index ${idx}: 2 documents,`);
    const q = JSON.parse((await runCli(['query', 'white whale', '--index', idx, '--json'])).stdout) as QueryOutput;
    expect(q.results.map((x) => x.docId)).not.toContain('whales.txt');
  });

  it('--selector budget --budget N keeps what fits and reports it; text output names the selection', async () => {
    const corpus = path.join(dir, 'corpus');
    const idx = path.join(dir, 'idx');
    await writeCorpus(corpus);
    expect((await runCli(['index', corpus, '--index', idx, '--chunker', 'sentence', '--size', '12'])).code).toBe(0);
    const all = JSON.parse((await runCli(['query', 'whale sea squid bread', '--index', idx, '--json'])).stdout) as QueryOutput;
    expect(all.selection.name).toBe('topk');
    const budget = all.results[0]!.tokenCount + all.results[1]!.tokenCount;
    const r = await runCli(['query', 'whale sea squid bread', '--index', idx, '--json', '--selector', 'budget', '--budget', String(budget)]);
    expect(r.stderr).toBe('');
    const sel = JSON.parse(r.stdout) as QueryOutput;
    expect(sel.selection).toEqual({ name: 'budget', budget, tokens: sel.results.reduce((s, x) => s + x.tokenCount, 0) });
    expect(sel.selection.tokens).toBeLessThanOrEqual(budget);
    expect(sel.results.slice(0, 2).map((x) => x.chunkId)).toEqual(all.results.slice(0, 2).map((x) => x.chunkId));
    const text = await runCli(['query', 'whale sea squid bread', '--index', idx, '--budget', String(budget)]);
    expect(text.stdout).toMatch(new RegExp(`selection: budget, budget ${budget}: \\d+ chunks, \\d+ tokens\\n$`));
    const bad = await runCli(['query', 'whale', '--index', idx, '--selector', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^sift: E_BAD_CONFIG: sift query: key "selector": unknown selector "nope"/);
  });

  it('prints progress lines only when asked (--progress), whatever the run takes', async () => {
    const corpus = path.join(dir, 'corpus');
    await writeCorpus(corpus);
    const quiet = await runCli(['index', corpus, '--index', path.join(dir, 'a')]);
    expect(quiet.stderr).toBe('');
    const loud = await runCli(['index', corpus, '--index', path.join(dir, 'b'), '--progress']);
    expect(loud.code).toBe(0);
    expect(loud.stderr).toMatch(/^index: \d+(\/\d+)? files\n/);
  });
});

describe('sift index --max-file-size', () => {
  it('skips a file over the limit with one line and indexes the rest', async () => {
    const docs = path.join(dir, 'docs');
    await mkdir(docs);
    await writeFile(path.join(docs, 'big.txt'), 'whale '.repeat(400_000));
    await writeFile(path.join(docs, 'small.txt'), 'A small note about bread.');
    const r = await runCli(['index', docs, '--index', path.join(dir, 'idx'), '--max-file-size', '1']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`sift: E_INPUT_TOO_LARGE: ${path.join(docs, 'big.txt')}: 2400000 bytes is over the 1 MiB limit (maxFileBytes, sift --max-file-size)\n`);
    expect(r.stdout).toMatch(/^indexed 1 new, .* 1 file skipped/);
  });
});
