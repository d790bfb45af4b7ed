// A minimal ONNX ModelProto encoder (protobuf wire format), so that converting a model at run time needs no protobuf
// library: only the fields the converter writes are supported. Field numbers follow onnx/onnx.proto (IR version 8);
// onnx-writer.test.ts decodes the output with onnx-proto to check them.

export const ONNX_FLOAT = 1;
export const ONNX_INT32 = 6;
export const ONNX_INT64 = 7;
export const ONNX_BOOL = 9;

/** An attribute value, tagged so that 1 (int) and 1.0 (float) stay distinct. */
export type OnnxAttr = { i: number } | { f: number } | { ints: readonly number[] } | { s: string } | { t: OnnxTensor };

export interface OnnxNode {
  op: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attrs?: Record<string, OnnxAttr>;
  name?: string;
}

export interface OnnxTensor {
  name: string;
  dataType: number;
  dims: readonly number[];
  /** Little-endian element bytes (TensorProto.raw_data). */
  raw: Uint8Array;
}

export interface OnnxValueInfo {
  name: string;
  elemType: number;
  /** A number for a fixed size, a string for a named dynamic one; absent: unknown rank. */
  dims?: ReadonlyArray<number | string>;
}

export interface OnnxGraph {
  name: string;
  nodes: readonly OnnxNode[];
  initializers: readonly OnnxTensor[];
  inputs: readonly OnnxValueInfo[];
  outputs: readonly OnnxValueInfo[];
}

export interface OnnxModel {
  graph: OnnxGraph;
  opset: number;
  irVersion?: number;
  producerName?: string;
  docString?: string;
}

const utf8 = new TextEncoder();

/** Collects protobuf fields of one message; nested messages are encoded first and written length-delimited. */
class Pb {
  readonly parts: Uint8Array[] = [];
  size = 0;

  #push(b: Uint8Array): void {
    this.parts.push(b);
    this.size += b.length;
  }

  #varint(v: bigint): void {
    let x = BigInt.asUintN(64, v);
    const out: number[] = [];
    do {
      let byte = Number(x & 0x7fn);
      x >>= 7n;
      if (x !== 0n) byte |= 0x80;
      out.push(byte);
    } while (x !== 0n);
    this.#push(Uint8Array.from(out));
  }

  #tag(field: number, wire: number): void {
    this.#varint(BigInt((field << 3) | wire));
  }

  int(field: number, v: number | bigint): this {
    this.#tag(field, 0);
    this.#varint(BigInt(v));
    return this;
  }

  float(field: number, v: number): this {
    this.#tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.#push(b);
    return this;
  }

  bytes(field: number, b: Uint8Array): this {
    this.#tag(field, 2);
    this.#varint(BigInt(b.length));
    this.#push(b);
    return this;
  }

  str(field: number, s: string): this {
    return this.bytes(field, utf8.encode(s));
  }

  msg(field: number, m: Pb): this {
    return this.bytes(field, m.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

function tensor(t: OnnxTensor): Pb {
  const m = new Pb();
  for (const d of t.dims) m.int(1, d);
  m.int(2, t.dataType).str(8, t.name).bytes(9, t.raw);
  return m;
}

// AttributeProto.AttributeType
const A_FLOAT = 1;
const A_INT = 2;
const A_STRING = 3;
const A_TENSOR = 4;
const A_INTS = 7;

function attribute(name: string, a: OnnxAttr): Pb {
  const m = new Pb().str(1, name);
  if ('i' in a) m.int(3, a.i).int(20, A_INT);
  else if ('f' in a) m.float(2, a.f).int(20, A_FLOAT);
  else if ('s' in a) m.str(4, a.s).int(20, A_STRING);
  else if ('t' in a) m.msg(5, tensor(a.t)).int(20, A_TENSOR);
  else {
    for (const v of a.ints) m.int(8, v);
    m.int(20, A_INTS);
  }
  return m;
}

function node(n: OnnxNode): Pb {
  const m = new Pb();
  for (const i of n.inputs) m.str(1, i);
  for (const o of n.outputs) m.str(2, o);
  if (n.name !== undefined) m.str(3, n.name);
  m.str(4, n.op);
  for (const [k, v] of Object.entries(n.attrs ?? {})) m.msg(5, attribute(k, v));
  return m;
}

function valueInfo(v: OnnxValueInfo): Pb {
  const tensorType = new Pb().int(1, v.elemType);
  if (v.dims !== undefined) {
    const shape = new Pb();
    for (const d of v.dims) shape.msg(1, typeof d === 'number' ? new Pb().int(1, d) : new Pb().str(2, d));
    tensorType.msg(2, shape);
  }
  return new Pb().str(1, v.name).msg(2, new Pb().msg(1, tensorType));
}

/** The serialized ModelProto, ready for `InferenceSession.create(bytes)` or a `.onnx` file. */
export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const g = new Pb();
  for (const n of model.graph.nodes) g.msg(1, node(n));
  g.str(2, model.graph.name);
  for (const t of model.graph.initializers) g.msg(5, tensor(t));
  for (const i of model.graph.inputs) g.msg(11, valueInfo(i));
  for (const o of model.graph.outputs) g.msg(12, valueInfo(o));
  const m = new Pb().int(1, model.irVersion ?? 8).str(2, model.producerName ?? 'sift');
  if (model.docString !== undefined) m.str(6, model.docString);
  m.msg(7, g).msg(8, new Pb().str(1, '').int(2, model.opset));
  return m.finish();
}
