import { z } from 'zod';

/**
 * Where a model runs. `auto` takes CUDA when its provider libraries are installed and otherwise the CPU;
 * WebGPU is only used when asked for, since most servers have no adapter and Dawn's probe is noisy.
 */
export const DeviceSchema = z.enum(['auto', 'cpu', 'cuda', 'webgpu']);
export type Device = z.infer<typeof DeviceSchema>;

/** Execution-provider names as onnxruntime-node spells them. */
export type ExecutionProviderName = 'cpu' | 'cuda' | 'webgpu' | 'tensorrt';
