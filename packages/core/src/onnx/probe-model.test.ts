import { describe, expect, it } from 'vitest';
import { buildModel, FLOAT, valueInfo } from '../embed/__fixtures__/onnx-builder.js';
import { probeModelBytes } from './probe-model.js';

describe('probe model', () => {
  it('is byte for byte the one-node Identity graph that onnx-proto writes', () => {
    const bytes = buildModel({
      name: 'probe',
      producerName: 'sift',
      inputs: [valueInfo('x', FLOAT, ['n'])],
      outputs: [valueInfo('y', FLOAT, ['n'])],
      nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['y'] }],
      initializers: [],
    });
    expect(Buffer.from(probeModelBytes()).equals(Buffer.from(bytes))).toBe(true);
  });
});
