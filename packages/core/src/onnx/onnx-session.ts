import { existsSync } from 'node:fs';
import type * as ort from 'onnxruntime-node';
import { z } from 'zod';
import { SiftError } from '../errors.js';
import { DeviceSchema, type Device } from './device.js';
import { defaultOnnxLogger, emitLog, type OnnxLogger } from './onnx-log.js';
import { loadOrt } from './_ort.js';
import { missingProviderLibraries } from './ort-paths.js';

export const OnnxSessionOptionsSchema = z.object({
  device: DeviceSchema.default('auto').describe('auto | cpu | cuda | webgpu'),
  /** Intra-op threads; unset lets onnxruntime use one per physical core. */
  threads: z.number().int().min(1).max(1024).optional(),
  interOpThreads: z.number().int().min(1).max(1024).optional(),
  /**
   * Let idle intra-op threads busy-wait for work (onnxruntime's default). false: they sleep, which costs a little
   * latency on an idle machine but no CPU on a shared one (measured: USE-lite, 2 threads on a loaded 2-core machine,
   * 46 → 85 passages per CPU-second).
   */
  allowSpinning: z.boolean().default(true),
  /** When the asked-for device cannot start: true falls back to CPU with a warning, false throws. */
  fallbackToCpu: z.boolean().default(true),
  graphOptimizationLevel: z.enum(['disabled', 'basic', 'extended', 'all']).default('all'),
  /**
   * onnxruntime's memory pattern: one block planned from the first run's allocations, kept for later runs of the same
   * input shape. false for very large activations (M2 at 32k tokens: it comes on top of the arena, 6.1 → 4.7 GB peak
   * over three runs, and the second run paid to build it).
   */
  memoryPattern: z.boolean().default(true),
  /** onnxruntime's own log level (0 verbose … 4 fatal). */
  logSeverityLevel: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3), z.literal(4)]).default(3),
});
export type OnnxSessionOptions = z.input<typeof OnnxSessionOptionsSchema> & { log?: OnnxLogger };

/** One provider that was tried and did not start. */
export interface ProviderAttempt {
  provider: string;
  error: string;
}

/**
 * An onnxruntime session plus the execution provider it really runs on. Shared by encoders and causal LMs.
 * `close()` is idempotent; using the session afterwards throws E_CLOSED.
 */
export class OnnxSession {
  #session: ort.InferenceSession | undefined;
  readonly executionProvider: string;
  readonly attempts: readonly ProviderAttempt[];
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly label: string;

  private constructor(session: ort.InferenceSession, provider: string, attempts: ProviderAttempt[], label: string) {
    this.#session = session;
    this.executionProvider = provider;
    this.attempts = attempts;
    this.inputNames = [...session.inputNames];
    this.outputNames = [...session.outputNames];
    this.label = label;
  }

  /**
   * Opens a model file (or bytes) on the requested device. Providers whose libraries are absent are skipped
   * without asking onnxruntime (which would print native errors); a provider that fails to start falls back to CPU
   * with a warning naming the reason, unless `fallbackToCpu` is false.
   */
  static async create(model: string | Uint8Array, options: OnnxSessionOptions = {}): Promise<OnnxSession> {
    const parsed = OnnxSessionOptionsSchema.safeParse(options);
    if (!parsed.success) {
      throw new SiftError('E_BAD_CONFIG', `Invalid ONNX session options: ${z.prettifyError(parsed.error)}`, {
        cause: parsed.error,
      });
    }
    const o = parsed.data;
    const log = options.log ?? defaultOnnxLogger;
    const label = typeof model === 'string' ? model : `<${model.byteLength} bytes>`;
    if (typeof model === 'string' && !existsSync(model)) {
      throw new SiftError('E_MODEL_MISSING', `ONNX model file not found: ${model}`, { details: { file: model } });
    }

    const runtime = await loadOrt();
    const attempts: ProviderAttempt[] = [];
    for (const provider of candidateProviders(o.device)) {
      const missing = missingProviderLibraries(provider);
      if (missing.length > 0) {
        attempts.push({ provider, error: `provider libraries not installed (${missing.join(', ')})` });
        continue;
      }
      const isCpu = provider === 'cpu';
      let session: ort.InferenceSession;
      try {
        const sessionOptions: ort.InferenceSession.SessionOptions = {
          executionProviders: [provider],
          graphOptimizationLevel: o.graphOptimizationLevel,
          enableMemPattern: o.memoryPattern,
          // A provider that fails to load prints native errors at severity 3; keep that quiet while probing.
          logSeverityLevel: isCpu ? o.logSeverityLevel : 4,
          ...(o.threads !== undefined ? { intraOpNumThreads: o.threads } : {}),
          ...(o.interOpThreads !== undefined ? { interOpNumThreads: o.interOpThreads } : {}),
          ...(o.allowSpinning ? {} : { extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } } }),
        };
        session =
          typeof model === 'string'
            ? await runtime.InferenceSession.create(model, sessionOptions)
            : await runtime.InferenceSession.create(model, sessionOptions);
      } catch (err) {
        if (isCpu) {
          throw new SiftError('E_MODEL_MALFORMED', `onnxruntime cannot load ${label}: ${firstLine(err)}`, {
            cause: err,
            details: { file: label, attempts },
          });
        }
        attempts.push({ provider, error: firstLine(err) });
        continue;
      }
      const why = attempts.map((a) => `${a.provider}: ${a.error}`).join('; ');
      if (isCpu && attempts.length > 0 && o.device !== 'auto') {
        emitLog(log, { level: 'warn', message: `onnx: device '${o.device}' unavailable (${why}); ${label} runs on cpu` });
      } else {
        const tried = why ? `; ${why}` : '';
        emitLog(log, { level: 'info', message: `onnx: ${label} runs on ${provider} (device: ${o.device}${tried})` });
      }
      return new OnnxSession(session, provider, attempts, label);
    }
    // Only reached when the fallback was refused.
    const why = attempts.map((a) => `${a.provider}: ${a.error}`).join('; ');
    throw new SiftError('E_RUNTIME', `device '${o.device}' is unavailable for ${label}: ${why}`, {
      details: { device: o.device, attempts },
    });

    function candidateProviders(device: Device): string[] {
      const tail = o.fallbackToCpu ? ['cpu'] : [];
      switch (device) {
        case 'cpu':
          return ['cpu'];
        case 'cuda':
          return ['cuda', ...tail];
        case 'webgpu':
          return ['webgpu', ...tail];
        case 'auto':
          // CUDA only when its libraries are present (checked above); otherwise straight to CPU, silently.
          return missingProviderLibraries('cuda').length === 0 ? ['cuda', 'cpu'] : ['cpu'];
      }
    }
  }

  isOpen(): boolean {
    return this.#session !== undefined;
  }

  /** The underlying session, for callers that need onnxruntime's full API (IO binding, metadata…). */
  get session(): ort.InferenceSession {
    if (!this.#session) throw new SiftError('E_CLOSED', `ONNX session for ${this.label} is closed`);
    return this.#session;
  }

  run(feeds: Record<string, ort.Tensor>): Promise<ort.InferenceSession.ReturnType> {
    return this.session.run(feeds);
  }

  async close(): Promise<void> {
    const s = this.#session;
    this.#session = undefined;
    if (s) await s.release();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0]?.trim() ?? msg;
}
