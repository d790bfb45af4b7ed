import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { SiftIndex } from '@sift/retrievers';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../testing.js';
import type { DoctorReport } from './doctor.js';

describe('sift doctor', () => {
  it('--json reports versions, a usable CPU provider, the CUDA how-to and model locations', async () => {
    const r = await runCli(['doctor', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as DoctorReport;
    expect(report.versions.node).toBe(process.version);
    expect(report.versions.packages['@sift/core']).toMatch(/^\d+\.\d+\.\d+/);
    expect(report.versions.packages['onnxruntime-node']).toBe('1.30.0');
    expect(report.executionProviders.find((p) => p.name === 'cpu')).toMatchObject({ bundled: true, usable: true });
    expect(report.cuda.howTo).toContain('ONNXRUNTIME_NODE_INSTALL=cuda12');
    expect(report.models.useLite.dir).toMatch(/model-embeddings-en/);
  });

  it('--index reports the counts of an index, and names a missing one without failing', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sift-doctor-'));
    try {
      await writeFile(path.join(dir, 'a.txt'), 'One small document about whales.');
      const idx = path.join(dir, 'idx');
      expect((await runCli(['index', dir, '--index', idx, '--ext', 'txt'])).code).toBe(0);
      const r = await runCli(['doctor', '--index', idx, '--json']);
      expect(r.code).toBe(0);
      expect((JSON.parse(r.stdout) as DoctorReport).index).toEqual({ dir: idx, documents: 1, chunks: 1, version: 2, embedder: null });
      const missing = await runCli(['doctor', '--index', path.join(dir, 'nope')]);
      expect(missing.code).toBe(0);
      expect(missing.stdout).toContain(`${path.join(dir, 'nope')}: E_INDEX_MISSING: no index at`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('--verify reads the whole index: ok, then exit 1 naming the damaged table once a chunk text was altered', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sift-doctor-verify-'));
    try {
      const idx = path.join(dir, 'idx');
      const index = await SiftIndex.create(idx);
      const text = 'Zebras graze on the quiet savanna.';
      await index.add([{ id: 'z', text, metadata: {} }], {
        chunker: { name: 'whole', chunk: async function* (d) { yield { id: d.id, docId: d.id, text: d.text, start: 0, end: d.text.length, tokenCount: 6, metadata: {} }; } },
      });
      await index.close();
      const ok = await runCli(['doctor', '--index', idx, '--verify', '--json']);
      expect(ok.code).toBe(0);
      expect((JSON.parse(ok.stdout) as DoctorReport).index).toMatchObject({ verify: { ok: true, documents: 1, chunks: 1, problems: [] } });
      const data = path.join(idx, 'lance', 'chunks.lance', 'data');
      for (const name of await readdir(data)) {
        const bytes = await readFile(path.join(data, name));
        const at = bytes.indexOf(Buffer.from('savanna'));
        if (at >= 0) await writeFile(path.join(data, name), Buffer.concat([bytes.subarray(0, at), Buffer.from('SAVANNA'), bytes.subarray(at + 7)]));
      }
      const bad = await runCli(['doctor', '--index', idx, '--verify']);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toContain('verify: 1 problem(s)');
      expect(bad.stderr).toMatch(/^sift: E_INDEX_CORRUPT: index .* failed verification: .*LanceDB table "chunks" \(.*chunks\.lance\): the text of chunk "z" does not match its checksum/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
