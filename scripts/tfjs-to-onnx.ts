// Converts a TensorFlow.js graph model folder (model.json + weight shards) to an ONNX file, e.g. to inspect USE-lite's
// converted graph with Netron or onnx.checker. Sift itself converts USE-lite in memory at load; nothing needs this file.
//   node --conditions=source --import tsx scripts/tfjs-to-onnx.ts [model-dir (default: USE-lite's)] [out.onnx]
import { writeFileSync } from 'node:fs';
import { convertTfjsToOnnx, readTfjsGraphModel, useLiteModelDir } from '@sift/core';

const dir = process.argv[2] || useLiteModelDir();
const out = process.argv[3] ?? 'use-lite.onnx';
const converted = convertTfjsToOnnx(await readTfjsGraphModel(dir));
writeFileSync(out, converted.bytes);
const ops = Object.entries(converted.tfOps).sort(([a], [b]) => a.localeCompare(b)).map(([op, n]) => `${op}×${n}`).join(' ');
process.stdout.write(`${out}: ${converted.bytes.length} bytes, inputs ${converted.inputs.map((i) => i.name).join(', ')}, outputs ${converted.outputs.map((o) => o.name).join(', ')}\nTF ops: ${ops}\n`);
