import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './testing.js';

describe('the persistent embedding cache in sift eval', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sift-embcache-cli-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('a second identical hybrid eval embeds 0 texts; SIFT_EMBEDDING_CACHE=off skips the cache', async () => {
    const beir = join(dir, 'beir');
    await mkdir(join(beir, 'qrels'), { recursive: true });
    const corpus = [
      { _id: 'p1', title: 'Bread', text: 'Bread dough rises with yeast. Bake the loaf in a hot oven until the crust is brown.' },
      { _id: 'p2', title: 'Whales', text: 'Sperm whales dive to hunt squid. A whale breathes through its blowhole.' },
      { _id: 'p3', title: 'Tea', text: 'Steep green tea briefly in water below boiling. Black tea wants boiling water.' },
    ];
    await writeFile(join(beir, 'corpus.jsonl'), corpus.map((d) => JSON.stringify(d)).join('\n'));
    await writeFile(join(beir, 'queries.jsonl'), '{"_id":"q1","text":"how does bread dough rise"}\n{"_id":"q2","text":"what do sperm whales hunt"}\n');
    await writeFile(join(beir, 'qrels', 'test.tsv'), 'query-id\tcorpus-id\tscore\nq1\tp1\t1\nq2\tp2\t1\n');
    const env = { CI: 'true', SIFT_CACHE_DIR: join(dir, 'cache') };
    const args = (out: string) => ['eval', '--dataset', `beir:${beir}`, '--retriever', 'hybrid', '--out', join(dir, out)];
    const first = await runCli(args('a'), { env });
    expect(first.code).toBe(0);
    const m = /^sift: embedded (\d+) of (\d+) texts \((\d+) cached\)$/m.exec(first.stderr);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(0);
    expect((await readdir(join(dir, 'cache', 'embeddings'))).length).toBe(1);
    const second = await runCli(args('b'), { env });
    expect(second.code).toBe(0);
    const n = Number(m![2]);
    // Queries are embedded through the cache too, so the totals match the first run's.
    expect(second.stderr).toContain(`sift: embedded 0 of ${n} texts (${n} cached)`);
    const off = await runCli(args('c'), { env: { ...env, SIFT_EMBEDDING_CACHE: 'off' } });
    expect(off.code).toBe(0);
    expect(off.stderr).not.toMatch(/embedded/);
  });
});
