/**
 * A 79-byte ONNX model (opset 17, one Identity node, float32[n] → float32[n]), used to check that an execution
 * provider really starts. Generated with onnx-proto; `probe-model.test.ts` rebuilds it and compares bytes.
 */
export const PROBE_MODEL_BASE64 =
  'CAgSBHNpZnQ6PwoSCgF4EgF5IghJZGVudGl0eToAEgVwcm9iZVoQCgF4EgsKCQgBEgUKAxIBbmIQCgF5EgsKCQgBEgUKAxIBbkIECgAQEQ==';

export function probeModelBytes(): Uint8Array {
  return new Uint8Array(Buffer.from(PROBE_MODEL_BASE64, 'base64'));
}
