// One TF op → ONNX nodes. TensorFlow semantics are kept, including dtypes; what is not supported throws naming the node.
// Not supported (besides op types missing from SUPPORTED_TF_OPS): StridedSlice with ellipsis/new-axis masks or
// non-constant bounds, Conv2D with explicit padding or NCHW layout, SplitV with a -1 size, GatherV2 with batch_dims,
// quantized weights, control flow. ScatterNd with duplicate indices overwrites where TF would sum, and SparseToDense
// does not validate that indices are sorted and unique (validate_indices).
import { SiftError } from '../../errors.js';
import { ONNX_BOOL, ONNX_FLOAT, ONNX_INT32, ONNX_INT64, type OnnxAttr, type OnnxTensor, type OnnxValueInfo } from './onnx-writer.js';
import { attrBool, attrInt, attrInts, attrString, attrType, TF_FLOAT, TF_INT32, TF_INT64, type TfNode, type TfWeight } from './tfjs-graph.js';

export interface ConvertContext {
  file: string;
  weights: Map<string, TfWeight>;
  emit(op: string, inputs: string[], outputs: string[], attrs?: Record<string, OnnxAttr>): void;
  fresh(prefix: string): string;
  dtype(name: string): number;
  setDtype(name: string, onnxType: number): void;
  /** Adds an initializer; `values` makes its contents available to later ops that need constants. */
  initializer(t: OnnxTensor, values?: number[]): void;
  constValues(name: string): number[] | undefined;
  addInput(v: OnnxValueInfo): void;
  /** Ranks known from the op that made a tensor (Transpose's perm), for ops that need one. */
  ranks: Map<string, number>;
}

const INT64_MAX = 9223372036854775807n;

const TF_TO_ONNX: Record<number, number> = { [TF_FLOAT]: ONNX_FLOAT, [TF_INT32]: ONNX_INT32, [TF_INT64]: ONNX_INT64, 10: ONNX_BOOL };

function raw(dataType: number, values: ArrayLike<number | bigint>): Uint8Array {
  const n = values.length;
  if (dataType === ONNX_FLOAT) return new Uint8Array(Float32Array.from(values as ArrayLike<number>).buffer);
  if (dataType === ONNX_INT32) return new Uint8Array(Int32Array.from(values as ArrayLike<number>).buffer);
  if (dataType === ONNX_BOOL) return Uint8Array.from(values as ArrayLike<number>, (v) => (v ? 1 : 0));
  const b = new BigInt64Array(n);
  for (let i = 0; i < n; i++) b[i] = BigInt(values[i]!);
  return new Uint8Array(b.buffer);
}

const UNARY: Record<string, string> = {
  Identity: 'Identity', Sin: 'Sin', Cos: 'Cos', Tanh: 'Tanh', Relu: 'Relu', Sigmoid: 'Sigmoid', Exp: 'Exp', Log: 'Log',
  Sqrt: 'Sqrt', Neg: 'Neg', Abs: 'Abs', LogicalNot: 'Not', Floor: 'Floor',
};
const BINARY: Record<string, string> = {
  Add: 'Add', AddV2: 'Add', Sub: 'Sub', Mul: 'Mul', RealDiv: 'Div', Maximum: 'Max', Minimum: 'Min', Less: 'Less',
  Greater: 'Greater', LessEqual: 'LessOrEqual', GreaterEqual: 'GreaterOrEqual', Equal: 'Equal', LogicalAnd: 'And', Pow: 'Pow',
  BiasAdd: 'Add',
};
const REDUCE: Record<string, string> = { Max: 'ReduceMax', Min: 'ReduceMin', Sum: 'ReduceSum', Mean: 'ReduceMean', Prod: 'ReduceProd' };
const BOOL_OUT = new Set(['Less', 'Greater', 'LessEqual', 'GreaterEqual', 'Equal', 'LogicalAnd', 'LogicalNot']);
const OTHER = [
  'Const', 'Placeholder', 'Square', 'Rsqrt', 'Softmax', 'Cast', 'Shape', 'Reshape', 'ExpandDims', 'Squeeze', 'Transpose',
  'ConcatV2', 'Pack', 'GatherV2', 'GatherNd', 'ScatterNd', 'SparseToDense', 'Where', 'StridedSlice', 'Slice', 'MatMul',
  'BatchMatMul', 'BatchMatMulV2', 'Conv2D', 'SplitV', 'Range',
];

/** TF op types the converter handles. */
export const SUPPORTED_TF_OPS: ReadonlySet<string> = new Set([...Object.keys(UNARY), ...Object.keys(BINARY), ...Object.keys(REDUCE), ...OTHER]);

export function convertNode(n: TfNode, ins: string[], ctx: ConvertContext): void {
  const out = n.name;
  const where = `${ctx.file}: ${n.op} node ${n.name}`;
  const fail = (why: string): never => {
    throw new SiftError('E_MODEL_MALFORMED', `${where}: ${why} (not supported by the ONNX converter)`, { details: { file: ctx.file, key: n.name } });
  };
  const tfType = (key: string, fallback?: number) => {
    const t = TF_TO_ONNX[attrType(n, key, fallback)];
    return t ?? fail(`dtype ${attrType(n, key, fallback)}`);
  };
  const known = (name: string, what: string): number[] => ctx.constValues(name) ?? fail(`${what} must be a constant`);
  const emit1 = (op: string, inputs: string[], dtype: number, attrs?: Record<string, OnnxAttr>, name = out) => {
    ctx.emit(op, inputs, [name], attrs);
    ctx.setDtype(name, dtype);
    return name;
  };
  const constI64 = (values: number[], dims: number[] = [values.length]) => {
    const name = ctx.fresh(`${n.name}/const`);
    ctx.initializer({ name, dataType: ONNX_INT64, dims, raw: raw(ONNX_INT64, values) }, values);
    return name;
  };
  const i64 = (name: string) => {
    if (ctx.dtype(name) === ONNX_INT64) return name;
    const known64 = ctx.constValues(name);
    if (known64) return constI64(known64, [known64.length]);
    return emit1('Cast', [name], ONNX_INT64, { to: { i: ONNX_INT64 } }, ctx.fresh(`${n.name}/i64`));
  };
  const axesOf = (name: string): number[] => known(name, 'axis');

  if (n.op in UNARY) {
    emit1(UNARY[n.op]!, [ins[0]!], ctx.dtype(ins[0]!));
    return;
  }
  if (n.op in BINARY) {
    if (n.op === 'BiasAdd' && attrString(n, 'data_format', 'NHWC') !== 'NHWC') fail('data_format NCHW');
    emit1(BINARY[n.op]!, [ins[0]!, ins[1]!], BOOL_OUT.has(n.op) ? ONNX_BOOL : ctx.dtype(ins[0]!));
    return;
  }
  if (n.op in REDUCE) {
    const axes = axesOf(ins[1]!);
    const keepdims = { i: attrBool(n, 'keep_dims') ? 1 : 0 };
    // Opset 17: ReduceSum takes its axes as an input, the other reductions as an attribute.
    if (n.op === 'Sum') emit1('ReduceSum', [ins[0]!, constI64(axes)], ctx.dtype(ins[0]!), { keepdims });
    else emit1(REDUCE[n.op]!, [ins[0]!], ctx.dtype(ins[0]!), { keepdims, axes: { ints: axes } });
    return;
  }
  switch (n.op) {
    case 'Const': {
      const dataType = tfType('dtype');
      const w = ctx.weights.get(n.name);
      const tensor = n.attr?.['value']?.tensor as
        | { tensorShape?: { dim?: Array<{ size?: string | number }> }; floatVal?: number[]; intVal?: number[]; int64Val?: Array<string | number>; boolVal?: boolean[] }
        | undefined;
      let dims: number[];
      let values: ArrayLike<number>;
      if (w) {
        dims = w.shape;
        values = w.data;
      } else {
        dims = (tensor?.tensorShape?.dim ?? []).map((d) => Number(d.size ?? 0));
        const v = [...(tensor?.floatVal ?? []), ...(tensor?.intVal ?? []), ...(tensor?.int64Val ?? []).map(Number), ...(tensor?.boolVal ?? []).map(Number)];
        const count = dims.reduce((a, b) => a * b, 1);
        if (v.length === 0) fail('constant without weights or values');
        // TF writes a splat constant as one value.
        values = v.length === count ? v : Array.from({ length: count }, () => v[0]!);
      }
      const small = values.length <= 64 && dataType !== ONNX_FLOAT ? Array.from(values) : values.length <= 64 ? Array.from(values) : undefined;
      ctx.initializer({ name: out, dataType, dims, raw: raw(dataType, values) }, small);
      return;
    }
    case 'Placeholder': {
      const dims = (n.attr?.['shape']?.shape?.dim ?? []).map((d, i) => (Number(d.size) >= 0 ? Number(d.size) : `${n.name}_d${i}`));
      ctx.addInput({ name: out, elemType: tfType('dtype'), dims });
      return;
    }
    case 'Square':
      emit1('Mul', [ins[0]!, ins[0]!], ctx.dtype(ins[0]!));
      return;
    case 'Rsqrt': {
      const s = emit1('Sqrt', [ins[0]!], ctx.dtype(ins[0]!), undefined, ctx.fresh(`${n.name}/sqrt`));
      emit1('Reciprocal', [s], ctx.dtype(ins[0]!));
      return;
    }
    case 'Softmax':
      emit1('Softmax', [ins[0]!], ctx.dtype(ins[0]!), { axis: { i: -1 } });
      return;
    case 'Cast': {
      const to = tfType('DstT');
      emit1('Cast', [ins[0]!], to, { to: { i: to } });
      return;
    }
    case 'Shape': {
      const to = tfType('out_type', TF_INT32);
      if (to === ONNX_INT64) emit1('Shape', [ins[0]!], ONNX_INT64);
      else emit1('Cast', [emit1('Shape', [ins[0]!], ONNX_INT64, undefined, ctx.fresh(`${n.name}/shape`))], to, { to: { i: to } });
      return;
    }
    case 'Reshape':
      // allowzero: a 0 in TF's shape means an empty dimension, not "copy the input's" as ONNX reads it by default.
      emit1('Reshape', [ins[0]!, i64(ins[1]!)], ctx.dtype(ins[0]!), { allowzero: { i: 1 } });
      return;
    case 'ExpandDims':
      emit1('Unsqueeze', [ins[0]!, constI64(axesOf(ins[1]!))], ctx.dtype(ins[0]!));
      return;
    case 'Squeeze': {
      const dims = attrInts(n, 'squeeze_dims');
      emit1('Squeeze', dims.length > 0 ? [ins[0]!, constI64(dims)] : [ins[0]!], ctx.dtype(ins[0]!));
      return;
    }
    case 'Transpose': {
      const perm = known(ins[1]!, 'perm');
      emit1('Transpose', [ins[0]!], ctx.dtype(ins[0]!), { perm: { ints: perm } });
      ctx.ranks.set(out, perm.length);
      return;
    }
    case 'ConcatV2': {
      const parts = ins.slice(0, -1);
      emit1('Concat', parts, ctx.dtype(parts[0]!), { axis: { i: axesOf(ins[ins.length - 1]!)[0]! } });
      return;
    }
    case 'Pack': {
      const axis = attrInt(n, 'axis', 0);
      const axes = constI64([axis]);
      const parts = ins.map((x) => emit1('Unsqueeze', [x, axes], ctx.dtype(x), undefined, ctx.fresh(`${n.name}/unsq`)));
      emit1('Concat', parts, ctx.dtype(ins[0]!), { axis: { i: axis } });
      return;
    }
    case 'GatherV2': {
      if (attrInt(n, 'batch_dims', 0) !== 0) fail('batch_dims');
      emit1('Gather', [ins[0]!, ins[1]!], ctx.dtype(ins[0]!), { axis: { i: axesOf(ins[2]!)[0]! } });
      return;
    }
    case 'GatherNd':
      emit1('GatherND', [ins[0]!, i64(ins[1]!)], ctx.dtype(ins[0]!));
      return;
    case 'ScatterNd': {
      const t = ctx.dtype(ins[1]!);
      const zeros = emit1('ConstantOfShape', [i64(ins[2]!)], t, { value: { t: { name: 'zero', dataType: t, dims: [1], raw: raw(t, [0]) } } }, ctx.fresh(`${n.name}/zeros`));
      emit1('ScatterND', [zeros, i64(ins[0]!), ins[1]!], t);
      return;
    }
    case 'SparseToDense': {
      const t = ctx.dtype(ins[2]!);
      const dense = emit1('Expand', [ins[3]!, i64(ins[1]!)], t, undefined, ctx.fresh(`${n.name}/fill`));
      emit1('ScatterND', [dense, i64(ins[0]!), ins[2]!], t);
      return;
    }
    case 'Where': {
      if (ins.length !== 1) fail('Where with 3 inputs (use SelectV2)');
      const nz = emit1('NonZero', [ins[0]!], ONNX_INT64, undefined, ctx.fresh(`${n.name}/nonzero`));
      emit1('Transpose', [nz], ONNX_INT64, { perm: { ints: [1, 0] } });
      return;
    }
    case 'StridedSlice':
      return stridedSlice(n, ins, ctx, { emit1, constI64, known, fail });
    case 'Slice': {
      const begin = known(ins[1]!, 'begin');
      const size = known(ins[2]!, 'size');
      const ends = begin.map((b, i) => (size[i] === -1 ? Number.MAX_SAFE_INTEGER : b + size[i]!));
      emit1('Slice', [ins[0]!, constI64(begin), constI64(ends), constI64(begin.map((_, i) => i))], ctx.dtype(ins[0]!));
      return;
    }
    case 'MatMul': {
      const [a, b] = [ins[0]!, ins[1]!].map((x, i) =>
        attrBool(n, i === 0 ? 'transpose_a' : 'transpose_b') ? emit1('Transpose', [x], ctx.dtype(x), { perm: { ints: [1, 0] } }, ctx.fresh(`${n.name}/t`)) : x,
      );
      emit1('MatMul', [a!, b!], ctx.dtype(ins[0]!));
      return;
    }
    case 'BatchMatMul':
    case 'BatchMatMulV2': {
      const adjX = attrBool(n, 'adj_x');
      const adjY = attrBool(n, 'adj_y');
      const swapLast = (x: string, adj: boolean): string | undefined => {
        if (!adj) return x;
        const r = ctx.ranks.get(x);
        if (r === undefined) return undefined;
        const perm = Array.from({ length: r }, (_, i) => (i === r - 2 ? r - 1 : i === r - 1 ? r - 2 : i));
        return emit1('Transpose', [x], ctx.dtype(x), { perm: { ints: perm } }, ctx.fresh(`${n.name}/adj`));
      };
      const a = swapLast(ins[0]!, adjX);
      const b = swapLast(ins[1]!, adjY);
      if (a !== undefined && b !== undefined) emit1('MatMul', [a, b], ctx.dtype(ins[0]!));
      // Einsum transposes the last two axes whatever the rank, which Transpose cannot without knowing it.
      else emit1('Einsum', [ins[0]!, ins[1]!], ctx.dtype(ins[0]!), { equation: { s: `...${adjX ? 'ji' : 'ij'},...${adjY ? 'kj' : 'jk'}->...ik` } });
      return;
    }
    case 'Conv2D':
      return conv2d(n, ins, ctx, { emit1, fail });
    case 'SplitV': {
      const sizes = known(ins[1]!, 'size_splits');
      if (sizes.includes(-1)) fail('a -1 split size');
      const axis = axesOf(ins[2]!)[0]!;
      const outs = sizes.map((_, k) => (k === 0 ? out : `${out}:${k}`));
      ctx.emit('Split', [ins[0]!, constI64(sizes)], outs, { axis: { i: axis } });
      for (const o of outs) ctx.setDtype(o, ctx.dtype(ins[0]!));
      return;
    }
    case 'Range':
      emit1('Range', [ins[0]!, ins[1]!, ins[2]!], ctx.dtype(ins[0]!));
      return;
    default:
      fail('op type');
  }
}

interface Helpers {
  emit1: (op: string, inputs: string[], dtype: number, attrs?: Record<string, OnnxAttr>, name?: string) => string;
  constI64: (values: number[], dims?: number[]) => string;
  known: (name: string, what: string) => number[];
  fail: (why: string) => never;
}

function stridedSlice(n: TfNode, ins: string[], ctx: ConvertContext, h: Helpers): void {
  if (attrInt(n, 'ellipsis_mask', 0) !== 0 || attrInt(n, 'new_axis_mask', 0) !== 0) h.fail('ellipsis_mask/new_axis_mask');
  const begin = h.known(ins[1]!, 'begin');
  const end = h.known(ins[2]!, 'end');
  const strides = h.known(ins[3]!, 'strides');
  const beginMask = attrInt(n, 'begin_mask', 0);
  const endMask = attrInt(n, 'end_mask', 0);
  const shrink = attrInt(n, 'shrink_axis_mask', 0);
  const BIG = Number(INT64_MAX > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : INT64_MAX);
  const starts: number[] = [];
  const ends: number[] = [];
  const squeeze: number[] = [];
  begin.forEach((b, i) => {
    const s = strides[i]!;
    const bit = 1 << i;
    if (shrink & bit) {
      // One element at `b`; b = -1 must end at the axis' end, not at 0.
      starts.push(b);
      ends.push(b === -1 ? BIG : b + 1);
      squeeze.push(i);
      return;
    }
    starts.push(beginMask & bit ? (s > 0 ? 0 : BIG) : b);
    ends.push(endMask & bit ? (s > 0 ? BIG : -BIG) : end[i]!);
  });
  const dtype = ctx.dtype(ins[0]!);
  const sliced = h.emit1(
    'Slice',
    [ins[0]!, h.constI64(starts), h.constI64(ends), h.constI64(begin.map((_, i) => i)), h.constI64(strides)],
    dtype,
    undefined,
    squeeze.length > 0 ? ctx.fresh(`${n.name}/slice`) : n.name,
  );
  if (squeeze.length > 0) h.emit1('Squeeze', [sliced, h.constI64(squeeze)], dtype);
}

function conv2d(n: TfNode, ins: string[], ctx: ConvertContext, h: Pick<Helpers, 'emit1' | 'fail'>): void {
  if (attrString(n, 'data_format', 'NHWC') !== 'NHWC') h.fail('data_format NCHW');
  const padding = attrString(n, 'padding', 'VALID');
  if (padding !== 'VALID' && padding !== 'SAME') h.fail(`padding ${padding}`);
  const w = ctx.weights.get(ins[1]!);
  if (!w || w.dtype !== 'float32' || w.shape.length !== 4) h.fail('the kernel must be a constant float32 [kh, kw, in, out] weight');
  const [kh, kw, cin, cout] = w!.shape as [number, number, number, number];
  const strides = attrInts(n, 'strides');
  const dil = attrInts(n, 'dilations');
  const unit = (a: number[]) => a.length === 0 || a.every((x) => x === 1);
  if (kh === 1 && kw === 1 && unit(strides) && unit(dil)) {
    // A 1×1 convolution with unit strides is a matrix product over the channel axis.
    const name = ctx.fresh(`${n.name}/kernel`);
    ctx.initializer({ name, dataType: ONNX_FLOAT, dims: [cin, cout], raw: new Uint8Array(Float32Array.from(w!.data).buffer) });
    h.emit1('MatMul', [ins[0]!, name], ONNX_FLOAT);
    return;
  }
  // General case: NHWC → NCHW, Conv with an [out, in, kh, kw] kernel, back to NHWC.
  const k = new Float32Array(w!.data.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++) for (let o = 0; o < cout; o++) k[((o * cin + i) * kh + y) * kw + x] = w!.data[((y * kw + x) * cin + i) * cout + o]!;
  const kname = ctx.fresh(`${n.name}/kernel`);
  ctx.initializer({ name: kname, dataType: ONNX_FLOAT, dims: [cout, cin, kh, kw], raw: new Uint8Array(k.buffer) });
  const nchw = h.emit1('Transpose', [ins[0]!], ONNX_FLOAT, { perm: { ints: [0, 3, 1, 2] } }, ctx.fresh(`${n.name}/nchw`));
  const conv = h.emit1(
    'Conv',
    [nchw, kname],
    ONNX_FLOAT,
    {
      strides: { ints: strides.length === 4 ? [strides[1]!, strides[2]!] : [1, 1] },
      dilations: { ints: dil.length === 4 ? [dil[1]!, dil[2]!] : [1, 1] },
      auto_pad: { s: padding === 'SAME' ? 'SAME_UPPER' : 'VALID' },
    },
    ctx.fresh(`${n.name}/conv`),
  );
  h.emit1('Transpose', [conv], ONNX_FLOAT, { perm: { ints: [0, 2, 3, 1] } });
}
