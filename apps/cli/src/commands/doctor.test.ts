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
});
