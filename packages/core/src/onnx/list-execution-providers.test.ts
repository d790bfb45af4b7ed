import { describe, expect, it } from 'vitest';
import { CUDA_INSTALL_HINT, listExecutionProviders } from './list-execution-providers.js';

describe('listExecutionProviders', () => {
  it('reports cpu as bundled, installed and usable', async () => {
    const eps = await listExecutionProviders({ probe: true });
    const cpu = eps.find((e) => e.name === 'cpu');
    expect(cpu).toMatchObject({ bundled: true, installed: true, usable: true });
    expect(cpu?.error).toBeUndefined();
  });

  it('tells what CUDA needs when its provider libraries are absent', async () => {
    const eps = await listExecutionProviders();
    const cuda = eps.find((e) => e.name === 'cuda');
    expect(cuda?.bundled).toBe(false);
    if (cuda && !cuda.installed) {
      expect(cuda.hint).toBe(CUDA_INSTALL_HINT);
      expect(CUDA_INSTALL_HINT).toContain('ONNXRUNTIME_NODE_INSTALL=cuda12');
    }
    // Without probe there is no usable verdict.
    expect(eps.every((e) => e.usable === undefined)).toBe(true);
  });
});
