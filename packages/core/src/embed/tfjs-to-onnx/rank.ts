// Static rank inference over TF nodes, so graph outputs can declare a shape of the right rank (onnx.checker requires
// a shape on graph outputs). Unknown where the rank depends on runtime values; the output is then declared without one.
import { attrBool, attrInt, attrInts, type TfNode } from './tfjs-graph.js';

const SAME = new Set(['Identity', 'Sin', 'Cos', 'Tanh', 'Relu', 'Sigmoid', 'Exp', 'Log', 'Sqrt', 'Neg', 'Abs', 'LogicalNot', 'Floor', 'Square', 'Rsqrt', 'Softmax', 'Cast', 'Slice', 'SplitV', 'BiasAdd']);
const BROADCAST = new Set(['Add', 'AddV2', 'Sub', 'Mul', 'RealDiv', 'Maximum', 'Minimum', 'Less', 'Greater', 'LessEqual', 'GreaterEqual', 'Equal', 'LogicalAnd', 'Pow', 'BatchMatMul', 'BatchMatMulV2']);
const REDUCE = new Set(['Max', 'Min', 'Sum', 'Mean', 'Prod']);

/**
 * The rank of `n`'s outputs, from its inputs' ranks (`rankOf`) and constant inputs' values (`constOf`, for axes and
 * shapes), or undefined when it cannot be known before running.
 */
export function inferRank(n: TfNode, ins: string[], rankOf: (name: string) => number | undefined, constOf: (name: string) => number[] | undefined): number | undefined {
  const r = (i: number) => (ins[i] === undefined ? undefined : rankOf(ins[i]!));
  if (SAME.has(n.op)) return r(0);
  if (BROADCAST.has(n.op)) {
    const [a, b] = [r(0), r(1)];
    return a === undefined || b === undefined ? undefined : Math.max(a, b);
  }
  if (REDUCE.has(n.op)) {
    const a = r(0);
    const axes = constOf(ins[1]!);
    if (a === undefined || axes === undefined) return undefined;
    return attrBool(n, 'keep_dims') ? a : a - axes.length;
  }
  switch (n.op) {
    case 'Placeholder':
      return n.attr?.['shape']?.shape?.dim?.length ?? undefined;
    case 'MatMul':
    case 'Conv2D':
      return n.op === 'MatMul' ? 2 : 4;
    case 'Shape':
    case 'Range':
      return 1;
    case 'Where':
      return 2;
    case 'Reshape':
    case 'ScatterNd':
      return constOf(ins[ins.length - 1]!)?.length;
    case 'SparseToDense':
      return constOf(ins[1]!)?.length;
    case 'ExpandDims': {
      const a = r(0);
      return a === undefined ? undefined : a + 1;
    }
    case 'Squeeze': {
      const a = r(0);
      const dims = attrInts(n, 'squeeze_dims');
      return a === undefined || dims.length === 0 ? undefined : a - dims.length;
    }
    case 'Transpose':
      return constOf(ins[1]!)?.length;
    case 'ConcatV2':
      return r(0);
    case 'Pack': {
      const a = r(0);
      return a === undefined ? undefined : a + 1;
    }
    case 'GatherV2': {
      const [a, b] = [r(0), r(1)];
      return a === undefined || b === undefined ? undefined : a - 1 + b;
    }
    case 'StridedSlice': {
      const a = r(0);
      if (a === undefined) return undefined;
      let shrink = attrInt(n, 'shrink_axis_mask', 0);
      let k = 0;
      for (; shrink; shrink >>= 1) k += shrink & 1;
      return a - k;
    }
    default:
      return undefined;
  }
}
