// Reads a TensorFlow.js graph model (model.json + binary weight shards) into plain nodes and typed weights.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SiftError } from '../../errors.js';

/** TensorFlow DataType enum values that graph models use. */
export const TF_FLOAT = 1;
export const TF_INT32 = 3;
export const TF_INT64 = 9;
export const TF_BOOL = 10;

/** One attribute as model.json writes it (a protobuf AttrValue in JSON form). */
export interface TfAttr {
  i?: string | number;
  f?: number;
  b?: boolean;
  s?: string | number[];
  type?: number | string;
  list?: { i?: Array<string | number>; s?: unknown[]; f?: number[] };
  shape?: { dim?: Array<{ size?: string | number }>; unknownRank?: boolean };
  tensor?: { dtype?: number | string };
}

export interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfAttr>;
}

export interface TfWeight {
  name: string;
  dtype: 'float32' | 'int32';
  shape: number[];
  data: Float32Array | Int32Array;
}

export interface TfjsGraphModel {
  nodes: TfNode[];
  weights: Map<string, TfWeight>;
  /** sha256-free identity of the files: the model.json path (for messages). */
  file: string;
}

interface ModelJson {
  format?: string;
  modelTopology?: { node?: TfNode[]; library?: { function?: unknown[] } };
  weightsManifest?: Array<{
    paths: string[];
    weights: Array<{ name: string; shape: number[]; dtype: string; quantization?: unknown }>;
  }>;
}

/** Loads `model.json` and its shards from `dir`. Quantized weights and function libraries are not supported. */
export async function readTfjsGraphModel(dir: string): Promise<TfjsGraphModel> {
  const file = path.join(dir, 'model.json');
  let json: ModelJson;
  try {
    json = JSON.parse(await readFile(file, 'utf8')) as ModelJson;
  } catch (err) {
    throw new SiftError('E_MODEL_MISSING', `Cannot read the TF.js graph model ${file}: ${(err as Error).message}`, { cause: err, details: { file } });
  }
  const nodes = json.modelTopology?.node;
  if (!Array.isArray(nodes)) throw new SiftError('E_MODEL_MALFORMED', `${file} has no modelTopology.node (not a TF.js graph model)`, { details: { file } });
  if ((json.modelTopology?.library?.function ?? []).length > 0) {
    throw new SiftError('E_MODEL_MALFORMED', `${file} uses graph functions (control flow), which the ONNX converter does not support`, { details: { file } });
  }
  const weights = new Map<string, TfWeight>();
  for (const group of json.weightsManifest ?? []) {
    const shards = await Promise.all(group.paths.map((p) => readFile(path.join(dir, p))));
    const all = Buffer.concat(shards);
    let off = 0;
    for (const w of group.weights) {
      if (w.quantization !== undefined) {
        throw new SiftError('E_MODEL_MALFORMED', `${file}: weight ${w.name} is quantized, which the ONNX converter does not support`, { details: { file, key: w.name } });
      }
      if (w.dtype !== 'float32' && w.dtype !== 'int32') {
        throw new SiftError('E_MODEL_MALFORMED', `${file}: weight ${w.name} has dtype ${w.dtype} (float32 and int32 are supported)`, { details: { file, key: w.name } });
      }
      const n = w.shape.reduce((a, b) => a * b, 1);
      if (off + 4 * n > all.length) {
        throw new SiftError('E_MODEL_MALFORMED', `${file}: weight shards end before ${w.name} (${all.length} bytes)`, { details: { file, key: w.name } });
      }
      const bytes = all.subarray(off, off + 4 * n);
      // Copy into an aligned buffer: the shard concatenation may start a weight at any byte.
      const copy = new Uint8Array(bytes).buffer;
      const data = w.dtype === 'float32' ? new Float32Array(copy) : new Int32Array(copy);
      weights.set(w.name, { name: w.name, dtype: w.dtype, shape: w.shape, data });
      off += 4 * n;
    }
  }
  return { nodes, weights, file };
}

/** An attribute as an integer (model.json writes int64 values as strings). */
export function attrInt(node: TfNode, key: string, fallback?: number): number {
  const a = node.attr?.[key];
  if (a?.i !== undefined) return Number(a.i);
  if (fallback !== undefined) return fallback;
  throw new SiftError('E_MODEL_MALFORMED', `TF.js node ${node.name} (${node.op}) has no integer attribute ${key}`, { details: { key } });
}

export function attrInts(node: TfNode, key: string): number[] {
  return (node.attr?.[key]?.list?.i ?? []).map(Number);
}

export function attrBool(node: TfNode, key: string, fallback = false): boolean {
  return node.attr?.[key]?.b ?? fallback;
}

export function attrString(node: TfNode, key: string, fallback = ''): string {
  const s = node.attr?.[key]?.s;
  if (s === undefined) return fallback;
  return typeof s === 'string' ? Buffer.from(s, 'base64').toString('utf8') : Buffer.from(s).toString('utf8');
}

/** A DataType attribute (model.json writes the enum as a number or as its name, e.g. "DT_FLOAT"). */
export function attrType(node: TfNode, key: string, fallback?: number): number {
  const t = node.attr?.[key]?.type ?? node.attr?.[key]?.tensor?.dtype;
  if (t === undefined) {
    if (fallback !== undefined) return fallback;
    throw new SiftError('E_MODEL_MALFORMED', `TF.js node ${node.name} (${node.op}) has no type attribute ${key}`, { details: { key } });
  }
  if (typeof t === 'number') return t;
  const byName: Record<string, number> = { DT_FLOAT: TF_FLOAT, DT_INT32: TF_INT32, DT_INT64: TF_INT64, DT_BOOL: TF_BOOL };
  const v = byName[t];
  if (v === undefined) throw new SiftError('E_MODEL_MALFORMED', `TF.js node ${node.name}: unsupported dtype ${t}`, { details: { key } });
  return v;
}
