// ONNX runtime helpers shared by encoders and causal LMs: device choice, provider listing, sessions.
export { DeviceSchema, type Device, type ExecutionProviderName } from './device.js';
export { OnnxSession, OnnxSessionOptionsSchema, type OnnxSessionOptions, type ProviderAttempt } from './onnx-session.js';
export { defaultOnnxLogger, type OnnxLogEntry, type OnnxLogger } from './onnx-log.js';
export {
  listExecutionProviders,
  probeProvider,
  CUDA_INSTALL_HINT,
  type ExecutionProviderInfo,
  type ListExecutionProvidersOptions,
} from './list-execution-providers.js';
export { ortBinaryDir } from './ort-paths.js';
export type { Tensor as OrtTensor } from 'onnxruntime-node';
