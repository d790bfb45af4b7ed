import { mkdtemp, rm, writeFile } from 'node:fs/promises';
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
});
