import { z } from 'zod';
import { SiftError, type LLM, type LlmOptions } from '@sift/core';
import { parseSpec } from './parse-spec.js';

export const OpenAiChatOptionsSchema = z
  .object({
    baseUrl: z.string().regex(/^https?:\/\/[^\s/]+/i, 'expected an http(s):// URL').describe('Server root up to /v1, e.g. http://127.0.0.1:8000/v1 (vLLM), :8080/v1 (llama.cpp), :11434/v1 (Ollama)'),
    model: z.string().min(1).describe('Model name the server knows'),
    apiKeyEnv: z.string().min(1).default('OPENAI_API_KEY').describe('Environment variable holding the API key (local servers need none)'),
    timeoutMs: z.number().int().positive().default(120_000),
    maxTokens: z.number().int().positive().default(256).describe('Default max_tokens per call'),
  })
  .strict();
export type OpenAiChatOptions = z.input<typeof OpenAiChatOptionsSchema>;

interface ChatResponse {
  choices?: Array<{ message?: { content?: string | null } }>;
}

/**
 * An LLM behind any OpenAI-compatible `/chat/completions` endpoint (vLLM, llama.cpp server, Ollama, hosted APIs),
 * through the global fetch. The key is read from the named environment variable at each call and never logged.
 */
export class OpenAiChatLLM implements LLM {
  readonly id: string;
  readonly #o: z.output<typeof OpenAiChatOptionsSchema>;

  constructor(options: OpenAiChatOptions) {
    this.#o = parseSpec(OpenAiChatOptionsSchema, options, 'openai chat LLM');
    this.id = `openai:${this.#o.model}@${this.#o.baseUrl}`;
  }

  async complete(prompt: string, opts: LlmOptions = {}): Promise<string> {
    const url = `${this.#o.baseUrl.replace(/\/+$/, '')}/chat/completions`;
    const messages = [...(opts.system ? [{ role: 'system', content: opts.system }] : []), { role: 'user', content: prompt }];
    const body: Record<string, unknown> = {
      model: this.#o.model,
      messages,
      max_tokens: opts.maxTokens ?? this.#o.maxTokens,
      temperature: opts.temperature ?? 0,
      ...(opts.stop?.length ? { stop: opts.stop } : {}),
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    };
    const key = process.env[this.#o.apiKeyEnv];
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) };
    const timeout = AbortSignal.timeout(this.#o.timeoutMs);
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal });
    } catch (err) {
      if (opts.signal?.aborted) throw new SiftError('E_ABORTED', `LLM call to ${url} aborted`, { cause: err });
      throw new SiftError('E_RUNTIME', `LLM server ${url} unreachable: ${(err as Error).message}`, { cause: err, details: { url } });
    }
    const text = await res.text();
    if (!res.ok) {
      throw new SiftError('E_RUNTIME', `LLM server ${url} answered HTTP ${res.status}: ${text.slice(0, 200)}`, { details: { url, status: res.status } });
    }
    let json: ChatResponse;
    try {
      json = JSON.parse(text) as ChatResponse;
    } catch (err) {
      throw new SiftError('E_RUNTIME', `LLM server ${url} sent a body that is not JSON: ${text.slice(0, 120)}`, { cause: err, details: { url } });
    }
    const content = json.choices?.[0]?.message?.content;
    if (typeof content !== 'string') {
      throw new SiftError('E_RUNTIME', `LLM server ${url} sent no choices[0].message.content`, { details: { url } });
    }
    return content;
  }
}
