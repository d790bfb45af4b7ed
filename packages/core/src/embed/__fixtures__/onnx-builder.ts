// Test support: writes small ONNX graphs with onnx-proto, so tests exercise the real onnxruntime loading path.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export const FLOAT = 1;
export const INT64 = 7;

export type Dim = number | string;

export function valueInfo(name: string, elemType: number, dims: Dim[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

export function floatTensor(name: string, dims: number[], data: Float32Array): onnxProto.onnx.ITensorProto {
  if (data.length !== dims.reduce((a, b) => a * b, 1)) throw new Error(`tensor ${name}: data/dims mismatch`);
  return { name, dims, dataType: FLOAT, floatData: Array.from(data) };
}

export function int64Tensor(name: string, dims: number[], data: number[]): onnxProto.onnx.ITensorProto {
  return { name, dims, dataType: INT64, int64Data: data };
}

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Record<string, number | number[] | string>;
  domain?: string;
}

function attribute(name: string, v: number | number[] | string): onnxProto.onnx.IAttributeProto {
  const A = onnx.AttributeProto.AttributeType;
  if (typeof v === 'string') return { name, type: A.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: A.INTS, ints: v };
  return Number.isInteger(v) ? { name, type: A.INT, i: v } : { name, type: A.FLOAT, f: v };
}

export function node(spec: NodeSpec): onnxProto.onnx.INodeProto {
  return {
    opType: spec.op,
    input: spec.inputs,
    output: spec.outputs,
    domain: spec.domain ?? '',
    attribute: Object.entries(spec.attrs ?? {}).map(([k, v]) => attribute(k, v)),
  };
}

export interface GraphSpec {
  name: string;
  inputs: onnxProto.onnx.IValueInfoProto[];
  outputs: onnxProto.onnx.IValueInfoProto[];
  nodes: NodeSpec[];
  initializers: onnxProto.onnx.ITensorProto[];
  opset?: number;
  producerName?: string;
}

export function buildModel(g: GraphSpec): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: g.producerName ?? 'sift-tests',
    opsetImport: [{ domain: '', version: g.opset ?? 17 }],
    graph: {
      name: g.name,
      node: g.nodes.map(node),
      input: g.inputs,
      output: g.outputs,
      initializer: g.initializers,
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
