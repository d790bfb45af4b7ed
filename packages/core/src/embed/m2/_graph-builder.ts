// A small helper over core's ONNX writer: fresh value names, float/int64 initializers and one-line node calls, so the
// M2 and attention graph builders read like the forward pass they encode.
import {
  encodeOnnxModel,
  ONNX_FLOAT,
  ONNX_INT64,
  type OnnxAttr,
  type OnnxNode,
  type OnnxTensor,
  type OnnxValueInfo,
} from '../tfjs-to-onnx/onnx-writer.js';

export class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  readonly inputs: OnnxValueInfo[] = [];
  readonly outputs: OnnxValueInfo[] = [];
  #n = 0;
  #ints = new Map<string, string>();

  fresh(hint: string): string {
    return `${hint}_${this.#n++}`;
  }

  /** A float32 initializer. */
  float(hint: string, dims: readonly number[], data: Float32Array | readonly number[]): string {
    const values = data instanceof Float32Array ? data : Float32Array.from(data);
    const count = dims.reduce((a, b) => a * b, 1);
    if (values.length !== count) throw new Error(`initializer ${hint}: ${values.length} values for dims [${dims.join(', ')}]`);
    const name = this.fresh(hint);
    const raw = new Uint8Array(values.length * 4);
    const view = new DataView(raw.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
    this.initializers.push({ name, dataType: ONNX_FLOAT, dims, raw });
    return name;
  }

  scalar(value: number): string {
    return this.float('c', [], [value]);
  }

  /** An int64 initializer (shapes, axes, indices); identical ones are shared. */
  ints(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const key = `${dims.join('x')}:${values.join(',')}`;
    const known = this.#ints.get(key);
    if (known !== undefined) return known;
    const name = this.fresh('i64');
    const raw = new Uint8Array(values.length * 8);
    const view = new DataView(raw.buffer);
    values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
    this.initializers.push({ name, dataType: ONNX_INT64, dims, raw });
    this.#ints.set(key, name);
    return name;
  }

  /** Adds one node and returns its output names. */
  ops(op: string, inputs: readonly string[], nOutputs: number, attrs?: Record<string, OnnxAttr>): string[] {
    const outputs = Array.from({ length: nOutputs }, () => this.fresh(op.toLowerCase()));
    this.nodes.push({ op, inputs, outputs, ...(attrs ? { attrs } : {}) });
    return outputs;
  }

  op(op: string, inputs: readonly string[], attrs?: Record<string, OnnxAttr>): string {
    return this.ops(op, inputs, 1, attrs)[0]!;
  }

  add(a: string, b: string): string {
    return this.op('Add', [a, b]);
  }
  sub(a: string, b: string): string {
    return this.op('Sub', [a, b]);
  }
  mul(a: string, b: string): string {
    return this.op('Mul', [a, b]);
  }
  matmul(a: string, b: string): string {
    return this.op('MatMul', [a, b]);
  }
  reshape(x: string, shape: readonly number[]): string {
    return this.op('Reshape', [x, this.ints(shape)]);
  }
  transpose(x: string, perm: readonly number[]): string {
    return this.op('Transpose', [x], { perm: { ints: perm } });
  }
  /** x[starts:ends] along the given axes. */
  slice(x: string, starts: readonly number[], ends: readonly number[], axes: readonly number[]): string {
    return this.op('Slice', [x, this.ints(starts), this.ints(ends), this.ints(axes)]);
  }
  /** x · Wᵀ + b for a PyTorch Linear weight W [out, in] (stored transposed as [in, out]). */
  linear(hint: string, x: string, w: { shape: number[]; data: Float32Array }, b?: { data: Float32Array }): string {
    const [out, inp] = w.shape as [number, number];
    const y = this.matmul(x, this.float(`${hint}_wT`, [inp, out], transpose2d(w.data, out, inp)));
    return b ? this.add(y, this.float(`${hint}_b`, [out], b.data)) : y;
  }
  layerNorm(x: string, hint: string, gamma: Float32Array, beta: Float32Array, eps: number): string {
    return this.op('LayerNormalization', [x, this.float(`${hint}_g`, [gamma.length], gamma), this.float(`${hint}_b`, [beta.length], beta)], {
      axis: { i: -1 },
      epsilon: { f: eps },
    });
  }
  /** Exact GELU (PyTorch's default): x · ½ · (1 + erf(x/√2)), in opset-13 ops every provider has. */
  gelu(x: string): string {
    const erf = this.op('Erf', [this.op('Div', [x, this.scalar(Math.SQRT2)])]);
    return this.mul(this.mul(x, this.scalar(0.5)), this.add(erf, this.scalar(1)));
  }

  input(name: string, elemType: number, dims: ReadonlyArray<number | string>): string {
    this.inputs.push({ name, elemType, dims });
    return name;
  }

  /** Names a value as a graph output. */
  output(value: string, name: string, dims: ReadonlyArray<number | string>): void {
    this.nodes.push({ op: 'Identity', inputs: [value], outputs: [name] });
    this.outputs.push({ name, elemType: ONNX_FLOAT, dims });
  }

  encode(name: string, opset: number, docString?: string): Uint8Array {
    return encodeOnnxModel({
      graph: { name, nodes: this.nodes, initializers: this.initializers, inputs: this.inputs, outputs: this.outputs },
      opset,
      producerName: 'sift',
      ...(docString !== undefined ? { docString } : {}),
    });
  }
}

export function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]!;
  return out;
}
