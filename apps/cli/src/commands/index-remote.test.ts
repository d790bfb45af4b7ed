import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRepoRoot } from '../paths.js';
import { runCli } from '../testing.js';
import type { RemoteIndexReport } from './doctor-remote.js';
import type { DoctorReport } from './doctor.js';

// `sift index --index s3://… --shard i/n` and `--finalize` against a real S3-compatible server on 127.0.0.1: the
// retrievers package's test server (s3rver with conditional PUT), run as its own process. Never an outside network.

const repo = findRepoRoot(fileURLToPath(import.meta.url))!;
let server: ChildProcess | undefined;
let storageOptions: Record<string, string> | undefined;
let startError = '';
let dir: string;

function startServer(): Promise<{ endpoint: string }> {
  return new Promise((resolve, reject) => {
    const script = path.join(repo, 'packages/retrievers/src/remote/__fixtures__/local-s3-server.ts');
    server = spawn(process.execPath, ['--import', 'tsx', script], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    server.stdout!.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!) as { endpoint: string });
    });
    server.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
    server.on('exit', (code) => reject(new Error(`exited with ${code}: ${err.trim().split('\n').pop() ?? ''}`)));
    server.on('error', reject);
  });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sift-index-remote-'));
  try {
    const { endpoint } = await startServer();
    // Long client timeouts: on a loaded machine the one-process test server can be slower than LanceDB's 30 s default.
    storageOptions = { timeout: '600s', connect_timeout: '120s', aws_endpoint: endpoint, allow_http: 'true', aws_region: 'us-east-1', aws_access_key_id: 'S3RVER', aws_secret_access_key: 'S3RVER' };
  } catch (err) {
    startError = (err as Error).message;
  }
}, 120_000);
afterAll(async () => {
  server?.kill('SIGTERM');
  await rm(dir, { recursive: true, force: true });
});

const TOPICS = ['whale ocean squid', 'bread dough yeast', 'telescope starlight galaxy', 'violin orchestra concerto', 'glacier ice valley', 'volcano lava ash'];

async function writeCorpus(folder: string): Promise<void> {
  await mkdir(path.join(folder, 'more'), { recursive: true });
  for (let i = 0; i < 12; i++) {
    const [a, b, c] = TOPICS[i % TOPICS.length]!.split(' ');
    const sub = i % 2 === 0 ? folder : path.join(folder, 'more');
    await writeFile(path.join(sub, `note-${i}.txt`), `Note ${i} is about the ${a} and the ${b}.\n\nIt also mentions ${c} number ${i} twice: ${c}.`);
  }
}

describe('sift index with an s3:// index', { timeout: 300_000 }, () => {
  it('two shard workers, then --finalize: the same documents and answers as one local run', async (ctx) => {
    if (!storageOptions) return ctx.skip(`the local S3 server (s3rver) did not start: ${startError}`);
    const corpus = path.join(dir, 'corpus');
    await writeCorpus(corpus);
    const config = path.join(dir, 'sift.config.json');
    await writeFile(config, JSON.stringify({ storageOptions }));
    const uri = 's3://sift-test/cli-index';
    const shards = await Promise.all(['0/2', '1/2'].map((s) => runCli(['index', corpus, '--index', uri, '--shard', s, '--config', config])));
    for (const r of shards) expect(r, r.stderr).toMatchObject({ code: 0 });
    const added = shards.map((r) => Number(/indexed (\d+) new/.exec(r.stdout)?.[1]));
    expect(added[0]! + added[1]!).toBe(12);
    expect(added.every((n) => n > 0)).toBe(true);
    expect(shards[0]!.stdout).toContain('(shard 0/2)');

    const fin = await runCli(['index', '--finalize', '--index', uri, '--config', config]);
    expect(fin, fin.stderr).toMatchObject({ code: 0 });
    expect(fin.stdout).toMatch(/finalized: 12 documents, \d+ chunks; indexes: chunks.text FTS/);

    // A re-run of a shard changes nothing.
    const again = await runCli(['index', corpus, '--index', uri, '--shard', '1/2', '--config', config]);
    expect(again.stdout).toMatch(new RegExp(`indexed 0 new, 0 changed, ${added[1]} unchanged`));

    const local = path.join(dir, 'local');
    expect((await runCli(['index', corpus, '--index', local])).code).toBe(0);
    for (const q of ['telescope galaxy', 'glacier valley']) {
      const remote = JSON.parse((await runCli(['query', q, '--index', uri, '--config', config, '--json', '-k', '4'])).stdout) as { results: Array<{ docId: string }> };
      const disk = JSON.parse((await runCli(['query', q, '--index', local, '--json', '-k', '4'])).stdout) as { results: Array<{ docId: string }> };
      // LanceDB's BM25 and Sift's score alike here: the same two documents hold both words.
      expect(new Set(remote.results.slice(0, 2).map((c) => c.docId))).toEqual(new Set(disk.results.slice(0, 2).map((c) => c.docId)));
    }
  });

  it('--retriever graph:bm25: finalize stores the entity graph in the dataset, and queries walk it', async (ctx) => {
    if (!storageOptions) return ctx.skip(`the local S3 server (s3rver) did not start: ${startError}`);
    const corpus = path.join(dir, 'corpus-graph');
    await writeCorpus(corpus);
    const config = path.join(dir, 'sift.config.json');
    await writeFile(config, JSON.stringify({ storageOptions }));
    const uri = 's3://sift-test/cli-graph';
    const shards = await Promise.all(['0/2', '1/2'].map((s) => runCli(['index', corpus, '--index', uri, '--shard', s, '--retriever', 'graph:bm25', '--config', config])));
    for (const r of shards) expect(r, r.stderr).toMatchObject({ code: 0 });
    const fin = await runCli(['index', '--finalize', '--index', uri, '--config', config]);
    expect(fin, fin.stderr).toMatchObject({ code: 0 });
    expect(fin.stdout).toMatch(/graph EntityGraph/);
    // The recorded default retriever is graph:bm25: its fused scores (max-normalised, ≤ 1) are not LanceDB's BM25 scores.
    const query = async (...more: string[]) => {
      const r = await runCli(['query', 'telescope galaxy', '--index', uri, '--config', config, '--json', '-k', '4', ...more]);
      expect(r, r.stderr).toMatchObject({ code: 0 });
      expect(r.stderr).not.toMatch(/warning/);
      return (JSON.parse(r.stdout) as { results: Array<{ docId: string; score: number }> }).results;
    };
    const graph = await query();
    const bm25 = await query('--retriever', 'bm25');
    expect(graph.map((r) => r.docId)).toEqual(expect.arrayContaining([expect.stringMatching(/note-2\.txt$/), expect.stringMatching(/note-8\.txt$/)]));
    for (const r of graph) expect(r.score).toBeLessThanOrEqual(1);
    expect(bm25[0]!.score).toBeGreaterThan(1);
    // An index built without the graph says how to get one.
    const none = await runCli(['query', 'telescope galaxy', '--index', 's3://sift-test/cli-index', '--config', config, '--retriever', 'graph:bm25']);
    expect(none.code).not.toBe(0);
    expect(none.stderr).toMatch(/E_INDEX_MISSING: Index s3:\/\/sift-test\/cli-index has no entity graph; index with --graph/);
  });

  it('sift doctor --index s3://… reports tables, versions, indexes, finalize, graph and the row check', async (ctx) => {
    if (!storageOptions) return ctx.skip(`the local S3 server (s3rver) did not start: ${startError}`);
    const corpus = path.join(dir, 'corpus-doctor');
    await writeCorpus(corpus);
    const config = path.join(dir, 'sift.config.json');
    await writeFile(config, JSON.stringify({ storageOptions }));
    const uri = 's3://sift-test/cli-doctor';
    const doctor = async (...more: string[]) => {
      const r = await runCli(['doctor', '--index', uri, '--config', config, '--json', ...more]);
      return { code: r.code, stderr: r.stderr, index: (JSON.parse(r.stdout) as DoctorReport).index as RemoteIndexReport };
    };
    const missing = await doctor();
    expect(missing.code).toBe(0);
    expect(missing.index).toMatchObject({ dir: uri, error: expect.stringMatching(/^E_INDEX_MISSING: no index at s3:\/\/sift-test\/cli-doctor/) });

    expect((await runCli(['index', corpus, '--index', uri, '--shard', '0/2', '--graph', '--config', config])).code).toBe(0);
    const before = await doctor();
    expect(before.index.remote).toMatchObject({ finalized: null, graph: { state: 'asked' }, shards: { runs: 1, labels: ['0/2'] }, check: { orphanChunks: 0, duplicateChunks: 0 }, problems: [] });
    expect((await runCli(['index', corpus, '--index', uri, '--shard', '1/2', '--graph', '--config', config])).code).toBe(0);
    expect((await runCli(['index', '--finalize', '--index', uri, '--config', config])).code).toBe(0);

    const after = await doctor('--verify');
    expect(after.code, after.stderr).toBe(0);
    const x = after.index.remote;
    expect(after.index).toMatchObject({ documents: 12, embedder: null });
    expect(Object.keys(x.tables).sort()).toEqual(['chunks', 'documents', 'graph', 'manifest']);
    expect(x.tables.documents!.rows).toBe(12);
    expect(x.tables.chunks!.rows).toBe(after.index.chunks);
    expect(x.tables.chunks!.indexes).toEqual([expect.objectContaining({ columns: ['text'], type: 'FTS', unindexedRows: 0 })]);
    expect(x.finalized).toMatchObject({ current: true, versions: { chunks: x.tables.chunks!.version } });
    expect(x.graph).toMatchObject({ state: 'current', passages: after.index.chunks });
    expect(x).toMatchObject({ shards: { runs: 2, labels: ['0/2', '1/2'] }, check: { orphanChunks: 0, duplicateChunks: 0 }, problems: [] });
    const text = await runCli(['doctor', '--index', uri, '--config', config]);
    expect(text.stdout).toMatch(/finalized: \S+ \(current\)/);
    expect(text.stdout).toMatch(/chunks +\d+ rows +v\d+ +text FTS/);
    expect(text.stdout).toMatch(/entity graph: stored, current \(\d+ passages/);
    expect(text.stdout).toContain('check: 0 orphan chunks, 0 duplicate chunk ids');

    // A document row lost under its chunks (as a killed worker leaves them): --verify names it and exits 1.
    const { connect } = await import('@lancedb/lancedb');
    const db = await connect(uri, { storageOptions: storageOptions! });
    const docs = await db.openTable('documents');
    const [victim] = (await docs.query().select(['id']).limit(1).toArray()) as Array<{ id: string }>;
    await docs.delete(`id = '${victim!.id}'`);
    db.close();
    const broken = await doctor('--verify');
    expect(broken.code).toBe(1);
    expect(broken.index.remote.check!.orphanChunks).toBeGreaterThan(0);
    expect(broken.index.remote.finalized!.current).toBe(false);
    expect(broken.stderr).toMatch(/E_INDEX_CORRUPT: index s3:\/\/sift-test\/cli-doctor failed verification: 1 problem\(s\); first: \d+ chunks have no document row/);
  });

  it('storageOptions in the config pass through to LanceDB: virtual-hosted-style requests (aws_virtual_hosted_style_request)', async (ctx) => {
    if (!storageOptions) return ctx.skip(`the local S3 server (s3rver) did not start: ${startError}`);
    const corpus = path.join(dir, 'corpus-vhost');
    await writeCorpus(corpus);
    // The bucket's own endpoint on a .invalid domain (never resolves), reached only through the local server as proxy;
    // a boolean in the config file is given to LanceDB as "true". Path-style requests to that endpoint would fail.
    const { aws_endpoint: server, ...rest } = storageOptions;
    const config = path.join(dir, 'sift.vhost.config.json');
    await writeFile(config, JSON.stringify({ storageOptions: { ...rest, aws_virtual_hosted_style_request: true, aws_endpoint: 'http://sift-test.s3.sift.invalid', proxy_url: server } }));
    const uri = 's3://sift-test/cli-vhost';
    const r = await runCli(['index', corpus, '--index', uri, '--config', config]);
    expect(r, r.stderr).toMatchObject({ code: 0 });
    expect(r.stdout).toMatch(/indexed 12 new/);
    const q = await runCli(['query', 'glacier valley', '--index', uri, '--config', config, '--json', '-k', '2']);
    expect(q, q.stderr).toMatchObject({ code: 0 });
    expect((JSON.parse(q.stdout) as { results: unknown[] }).results).toHaveLength(2);
  });

  it('refuses --shard and --finalize on a local folder with one line', async () => {
    const r = await runCli(['index', dir, '--index', path.join(dir, 'x'), '--shard', '0/2']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/E_BAD_CONFIG: --shard is for an object-store index/);
    const bad = await runCli(['index', dir, '--index', 's3://b/p', '--shard', '2/2']);
    expect(bad.stderr).toMatch(/--shard must be i\/n with 0 ≤ i < n/);
  });
});
