import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SiftError } from '../errors.js';
import type { OnnxLogEntry } from './onnx-log.js';
import { OnnxSession } from './onnx-session.js';
import { missingProviderLibraries } from './ort-paths.js';
import { probeModelBytes } from './probe-model.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sift-onnx-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function expectCode(p: Promise<unknown>, code: string, text: string): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(SiftError.isInstance(err)).toBe(true);
  expect((err as SiftError).code).toBe(code);
  expect((err as SiftError).message).toContain(text);
}

describe('OnnxSession.create', () => {
  it('runs a model file on cpu and says so in the log', async () => {
    const file = path.join(dir, 'probe.onnx');
    writeFileSync(file, probeModelBytes());
    const logs: OnnxLogEntry[] = [];
    const s = await OnnxSession.create(file, { device: 'cpu', threads: 1, log: (e) => logs.push(e) });
    expect(s.executionProvider).toBe('cpu');
    expect(s.inputNames).toEqual(['x']);
    expect(logs).toEqual([{ level: 'info', message: `onnx: ${file} runs on cpu (device: cpu)` }]);
    const r = await s.run({ x: new ort.Tensor('float32', new Float32Array([3, 4]), [2]) });
    expect(Array.from(r['y']?.data as Float32Array)).toEqual([3, 4]);
    await s.close();
    await s.close(); // idempotent
    expect(s.isOpen()).toBe(false);
    expect(() => s.session).toThrow(/closed/);
  });

  it('falls back from an unavailable device to cpu with a warning naming the reason', async () => {
    if (missingProviderLibraries('cuda').length === 0) return; // CUDA really installed: nothing to fall back from.
    const logs: OnnxLogEntry[] = [];
    const s = await OnnxSession.create(probeModelBytes(), { device: 'cuda', log: (e) => logs.push(e) });
    expect(s.executionProvider).toBe('cpu');
    expect(s.attempts[0]?.provider).toBe('cuda');
    expect(logs).toHaveLength(1);
    expect(logs[0]?.level).toBe('warn');
    expect(logs[0]?.message).toMatch(/device 'cuda' unavailable \(cuda: provider libraries not installed .*\); .* runs on cpu/);
    await s.close();
  });

  it('throws E_RUNTIME when the fallback is refused', async () => {
    if (missingProviderLibraries('cuda').length === 0) return;
    await expectCode(OnnxSession.create(probeModelBytes(), { device: 'cuda', fallbackToCpu: false }), 'E_RUNTIME', "device 'cuda'");
  });

  it('names a missing model file (E_MODEL_MISSING)', async () => {
    const file = path.join(dir, 'nope.onnx');
    await expectCode(OnnxSession.create(file), 'E_MODEL_MISSING', file);
  });

  it('names a corrupt model file (E_MODEL_MALFORMED)', async () => {
    const file = path.join(dir, 'bad.onnx');
    writeFileSync(file, 'not a protobuf at all');
    await expectCode(OnnxSession.create(file, { device: 'cpu' }), 'E_MODEL_MALFORMED', file);
  });

  it('rejects bad options before loading anything (E_BAD_CONFIG)', async () => {
    await expectCode(OnnxSession.create(probeModelBytes(), { threads: 0 }), 'E_BAD_CONFIG', 'threads');
    // @ts-expect-error: not a device
    await expectCode(OnnxSession.create(probeModelBytes(), { device: 'tpu' }), 'E_BAD_CONFIG', 'device');
  });
});
