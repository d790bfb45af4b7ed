import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, describe, expect, it } from 'vitest';
import { OnnxSession } from '../../onnx/onnx-session.js';
import { loadedOrt } from '../../onnx/_ort.js';
import { convertTfjsToOnnx } from './convert.js';
import { readTfjsGraphModel, type TfNode } from './tfjs-graph.js';

const dir = mkdtempSync(path.join(tmpdir(), 'sift-tfjs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const i32 = (v: number) => ({ i: String(v) });
const type = (t: number) => ({ type: t });

/** A small TF.js graph model written to disk: weights in one shard, like the converter's real input. */
function writeModel(name: string, nodes: TfNode[], weights: Array<{ name: string; dtype: 'float32' | 'int32'; shape: number[]; data: number[] }>): string {
  const d = path.join(dir, name);
  const bytes = Buffer.concat(weights.map((w) => Buffer.from((w.dtype === 'float32' ? Float32Array.from(w.data) : Int32Array.from(w.data)).buffer)));
  const consts = weights.map((w): TfNode => ({ name: w.name, op: 'Const', attr: { dtype: type(w.dtype === 'float32' ? 1 : 3) } }));
  mkdirSync(d, { recursive: true });
  writeFileSync(path.join(d, 'shard1'), bytes);
  writeFileSync(
    path.join(d, 'model.json'),
    JSON.stringify({
      modelTopology: { node: [...nodes.reverse(), ...consts] }, // out of order on purpose: the converter sorts
      weightsManifest: [{ paths: ['shard1'], weights: weights.map(({ name: n, dtype, shape }) => ({ name: n, dtype, shape })) }],
    }),
  );
  return d;
}

describe('convertTfjsToOnnx', () => {
  it('converts MatMul/BiasAdd/Relu, StridedSlice with masks, Where and Shape with TF semantics', async () => {
    const d = writeModel(
      'mlp',
      [
        { name: 'x', op: 'Placeholder', attr: { dtype: type(1), shape: { shape: { dim: [{ size: '-1' }, { size: '3' }] } } } },
        { name: 'mm', op: 'MatMul', input: ['x', 'w'], attr: { T: type(1), transpose_a: { b: false }, transpose_b: { b: false } } },
        { name: 'ba', op: 'BiasAdd', input: ['mm', 'b'], attr: { T: type(1) } },
        { name: 'y', op: 'Relu', input: ['ba'], attr: { T: type(1) } },
        // x[:, 1] (begin/end masks on axis 0, shrink on axis 1)
        { name: 'col', op: 'StridedSlice', input: ['x', 'begin', 'end', 'strides'], attr: { T: type(1), Index: type(3), begin_mask: i32(1), end_mask: i32(1), shrink_axis_mask: i32(2), ellipsis_mask: i32(0), new_axis_mask: i32(0) } },
        { name: 'pos', op: 'Greater', input: ['x', 'zero'], attr: { T: type(1) } },
        { name: 'where', op: 'Where', input: ['pos'], attr: { T: type(10) } },
        { name: 'shape', op: 'Shape', input: ['where'], attr: { out_type: type(3) } },
      ],
      [
        { name: 'w', dtype: 'float32', shape: [3, 2], data: [1, 0, 0, 1, 1, -1] },
        { name: 'b', dtype: 'float32', shape: [2], data: [0.5, -0.5] },
        { name: 'begin', dtype: 'int32', shape: [2], data: [0, 1] },
        { name: 'end', dtype: 'int32', shape: [2], data: [0, 2] },
        { name: 'strides', dtype: 'int32', shape: [2], data: [1, 1] },
        { name: 'zero', dtype: 'float32', shape: [], data: [0] },
      ],
    );
    const converted = convertTfjsToOnnx(await readTfjsGraphModel(d));
    expect(converted.outputs.map((o) => o.name).sort()).toEqual(['col', 'shape', 'y']);
    // The bytes are a valid ModelProto (checked with the project's protobuf tooling), opset 17.
    const decoded = onnxProto.onnx.ModelProto.decode(converted.bytes);
    expect(Number(decoded.opsetImport[0]!.version)).toBe(17);
    expect(decoded.graph!.input.map((i) => i.name)).toEqual(['x']);
    // Outputs declare their statically inferred rank (onnx.checker requires a shape on graph outputs).
    const rank = (name: string) => decoded.graph!.output.find((o) => o.name === name)!.type!.tensorType!.shape!.dim!.length;
    expect([rank('y'), rank('col'), rank('shape')]).toEqual([2, 1, 1]);

    const s = await OnnxSession.create(converted.bytes, { device: 'cpu', threads: 1 });
    try {
      const { Tensor } = loadedOrt();
      const x = Float32Array.of(1, 2, 3, -4, -5, 6);
      const r = await s.run({ x: new Tensor('float32', x, [2, 3]) });
      // y = relu(x·w + b): row0 (1+3+.5, 2-3-.5) = (4.5, 0); row1 (-4+6+.5, -5-6-.5) = (2.5, 0)
      expect(Array.from(r['y']!.data as Float32Array)).toEqual([4.5, 0, 2.5, 0]);
      expect(Array.from(r['col']!.data as Float32Array)).toEqual([2, -5]);
      // Where gives the coordinates of the 4 positive entries, so its shape is [4, 2], as int32 (out_type).
      expect(Array.from(r['shape']!.data as Int32Array)).toEqual([4, 2]);
    } finally {
      await s.close();
    }
  });

  it('names every unsupported op type at once', async () => {
    const d = writeModel(
      'bad',
      [
        { name: 'x', op: 'Placeholder', attr: { dtype: type(1), shape: { shape: { dim: [{ size: '2' }] } } } },
        { name: 'a', op: 'Erf', input: ['x'] },
        { name: 'b', op: 'TopKV2', input: ['a', 'k'] },
      ],
      [{ name: 'k', dtype: 'int32', shape: [], data: [1] }],
    );
    await expect(readTfjsGraphModel(d).then((m) => convertTfjsToOnnx(m))).rejects.toThrow(/not supported by the ONNX converter: Erf, TopKV2/);
  });

  it('says which file is missing', async () => {
    await expect(readTfjsGraphModel(path.join(dir, 'nope'))).rejects.toMatchObject({ code: 'E_MODEL_MISSING' });
  });
});
