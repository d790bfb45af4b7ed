// Rerankers that run a model: the ONNX cross-encoder for Hugging Face folders. Selectors build the others.
export { OnnxCrossEncoder, OnnxCrossEncoderOptionsSchema, type OnnxCrossEncoderOptions } from './onnx-cross-encoder.js';
