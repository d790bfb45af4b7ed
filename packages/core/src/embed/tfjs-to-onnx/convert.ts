// Converts a TensorFlow.js graph model to an ONNX model, node by node, keeping TensorFlow's dtypes exactly (casts are
// inserted only where ONNX insists on int64: shapes, axes, scatter/gather indices). Attributes that ONNX needs as
// constants (axes, permutations, slice bounds, split sizes) must come from Const nodes; see SUPPORTED_TF_OPS and
// convert-ops.ts for what is not supported.
import { SiftError } from '../../errors.js';
import { convertNode, SUPPORTED_TF_OPS, type ConvertContext } from './convert-ops.js';
import { inferRank } from './rank.js';
import { encodeOnnxModel, ONNX_BOOL, ONNX_FLOAT, ONNX_INT32, ONNX_INT64, type OnnxNode, type OnnxTensor, type OnnxValueInfo } from './onnx-writer.js';
import { attrType, TF_BOOL, TF_FLOAT, TF_INT32, TF_INT64, type TfjsGraphModel, type TfNode } from './tfjs-graph.js';

export { SUPPORTED_TF_OPS };

/** Opset 17, so that older runtimes and onnx.checker (onnx ≥ 1.12) accept the graph. */
export const ONNX_OPSET = 17;

export interface ConvertedModel {
  /** Serialized ONNX ModelProto. */
  bytes: Uint8Array;
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  /** TF op types of the source graph with their counts. */
  tfOps: Record<string, number>;
}

const TF_TO_ONNX: Record<number, number> = { [TF_FLOAT]: ONNX_FLOAT, [TF_INT32]: ONNX_INT32, [TF_INT64]: ONNX_INT64, [TF_BOOL]: ONNX_BOOL };

export function onnxTypeOf(tfType: number, where: string): number {
  const t = TF_TO_ONNX[tfType];
  if (t === undefined) throw new SiftError('E_MODEL_MALFORMED', `${where}: TF dtype ${tfType} is not supported by the ONNX converter`);
  return t;
}

/** "name:1" → ["name", 1]; a bare name is output 0. */
function parseRef(ref: string): [string, number] {
  const m = /^(.*):(\d+)$/.exec(ref);
  return m ? [m[1]!, Number(m[2])] : [ref, 0];
}

/** ONNX name of a TF node's k-th output. */
export function outputName(node: string, k: number): string {
  return k === 0 ? node : `${node}:${k}`;
}

/** Nodes in dependency order (model.json lists them in no particular order); control inputs (^x) are dropped. */
function topoSort(nodes: TfNode[], file: string): TfNode[] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const state = new Map<string, 1 | 2>();
  const out: TfNode[] = [];
  for (const root of nodes) {
    if (state.has(root.name)) continue;
    // Iterative DFS: the graph may be deep enough to overflow recursion.
    const stack: Array<[TfNode, number]> = [[root, 0]];
    state.set(root.name, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [n, i] = top;
      const deps = (n.input ?? []).filter((r) => !r.startsWith('^')).map((r) => parseRef(r)[0]);
      if (i < deps.length) {
        top[1]++;
        const d = byName.get(deps[i]!);
        if (!d) throw new SiftError('E_MODEL_MALFORMED', `${file}: node ${n.name} reads ${deps[i]}, which is not in the graph`);
        const s = state.get(d.name);
        if (s === 1) throw new SiftError('E_MODEL_MALFORMED', `${file}: the graph has a cycle through ${d.name} (control flow is not supported)`);
        if (s === undefined) {
          state.set(d.name, 1);
          stack.push([d, 0]);
        }
      } else {
        state.set(n.name, 2);
        out.push(n);
        stack.pop();
      }
    }
  }
  return out;
}

/**
 * Converts `model` to ONNX (opset 17). The graph outputs are the nodes nobody reads (besides constants), or `outputs`.
 * Throws E_MODEL_MALFORMED naming every unsupported op type at once.
 */
export function convertTfjsToOnnx(model: TfjsGraphModel, opts: { outputs?: string[]; name?: string } = {}): ConvertedModel {
  const tfOps: Record<string, number> = {};
  for (const n of model.nodes) tfOps[n.op] = (tfOps[n.op] ?? 0) + 1;
  const unsupported = Object.keys(tfOps).filter((op) => !SUPPORTED_TF_OPS.has(op));
  if (unsupported.length > 0) {
    throw new SiftError('E_MODEL_MALFORMED', `${model.file}: TF ops not supported by the ONNX converter: ${unsupported.sort().join(', ')}`, {
      details: { file: model.file },
    });
  }
  const order = topoSort(model.nodes, model.file);
  const nodes: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [];
  const inputs: OnnxValueInfo[] = [];
  const dtypes = new Map<string, number>(); // ONNX elem type of every tensor name
  const constants = new Map<string, { dtype: number; dims: number[]; values: number[] }>();
  const ranks = new Map<string, number>(); // TF output name → rank, where known statically
  let tmp = 0;

  const ctx: ConvertContext = {
    file: model.file,
    weights: model.weights,
    emit(op, ins, outs, attrs) {
      nodes.push({ op, inputs: ins, outputs: outs, ...(attrs ? { attrs } : {}) });
    },
    fresh(prefix) {
      return `${prefix}/_onnx${tmp++}`;
    },
    dtype(name) {
      const t = dtypes.get(name);
      if (t === undefined) throw new SiftError('E_MODEL_MALFORMED', `${model.file}: no dtype known for tensor ${name}`);
      return t;
    },
    setDtype(name, t) {
      dtypes.set(name, t);
    },
    initializer(t, values) {
      initializers.push(t);
      dtypes.set(t.name, t.dataType);
      if (values) constants.set(t.name, { dtype: t.dataType, dims: [...t.dims], values });
    },
    constValues(name) {
      return constants.get(name)?.values;
    },
    ranks,
    addInput(v) {
      inputs.push(v);
      dtypes.set(v.name, v.elemType);
    },
  };

  for (const n of order) {
    const ins = (n.input ?? []).filter((r) => !r.startsWith('^')).map((r) => {
      const [node, k] = parseRef(r);
      return outputName(node, k);
    });
    convertNode(n, ins, ctx);
    const rank =
      n.op === 'Const'
        ? (model.weights.get(n.name)?.shape.length ?? (n.attr?.['value']?.tensor as { tensorShape?: { dim?: unknown[] } } | undefined)?.tensorShape?.dim?.length ?? 0)
        : inferRank(n, ins, (x) => ranks.get(x), (x) => constants.get(x)?.values);
    if (rank !== undefined && !ranks.has(n.name)) ranks.set(n.name, rank);
  }

  const read = new Set<string>();
  for (const n of model.nodes) for (const r of n.input ?? []) if (!r.startsWith('^')) read.add(parseRef(r)[0]);
  const outNames = opts.outputs ?? model.nodes.filter((n) => n.op !== 'Const' && n.op !== 'Placeholder' && !read.has(n.name)).map((n) => n.name);
  const outputs: OnnxValueInfo[] = outNames.map((name) => {
    const node = model.nodes.find((n) => n.name === name);
    const t = node ? attrType(node, 'T', TF_FLOAT) : TF_FLOAT;
    const rank = ranks.get(name);
    // A shape of the right rank with named dimensions (onnx.checker wants one on graph outputs); none if unknown.
    return { name, elemType: dtypes.get(name) ?? onnxTypeOf(t, name), ...(rank !== undefined ? { dims: Array.from({ length: rank }, (_, i) => `${name}_d${i}`) } : {}) };
  });
  // Constants folded into attributes (axes, perms, 1×1 kernels re-laid-out) are no longer read by any node.
  const used = new Set(nodes.flatMap((x) => x.inputs));
  const bytes = encodeOnnxModel({
    graph: { name: opts.name ?? 'tfjs', nodes, initializers: initializers.filter((t) => used.has(t.name)), inputs, outputs },
    opset: ONNX_OPSET,
    producerName: 'sift tfjs-to-onnx',
  });
  return { bytes, inputs, outputs, tfOps };
}
