import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAiChatLLM } from './openai-chat-llm.js';

interface Seen {
  url: string | undefined;
  auth: string | undefined;
  body: Record<string, unknown>;
}

let server: Server;
let base: string;
const seen: Seen[] = [];
let reply: { status: number; body: string } = { status: 200, body: '' };

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let s = '';
    req.on('data', (d: Buffer) => (s += d.toString('utf8')));
    req.on('end', () => resolve(s));
  });

beforeAll(async () => {
  // A real HTTP server on the loopback interface standing in for vLLM / llama.cpp / Ollama.
  server = createServer(async (req, res) => {
    seen.push({ url: req.url, auth: req.headers.authorization, body: JSON.parse(await readBody(req)) as Record<string, unknown> });
    res.writeHead(reply.status, { 'content-type': 'application/json' });
    res.end(reply.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('OpenAiChatLLM', () => {
  it('posts a chat completion with system + user turns and returns the assistant text', async () => {
    process.env['SIFT_TEST_LLM_KEY'] = 'sk-test-123';
    reply = { status: 200, body: JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'Answer: Paris' } }] }) };
    const llm = new OpenAiChatLLM({ baseUrl: `${base}/`, model: 'qwen2.5-0.5b', apiKeyEnv: 'SIFT_TEST_LLM_KEY' });
    const out = await llm.complete('Where is the tower?', { system: 'Be brief.', maxTokens: 32, stop: ['\n\n'], seed: 7 });
    expect(out).toBe('Answer: Paris');
    const req = seen.at(-1)!;
    expect(req.url).toBe('/v1/chat/completions');
    expect(req.auth).toBe('Bearer sk-test-123');
    expect(req.body).toEqual({
      model: 'qwen2.5-0.5b',
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Where is the tower?' }],
      max_tokens: 32,
      temperature: 0,
      stop: ['\n\n'],
      seed: 7,
    });
    delete process.env['SIFT_TEST_LLM_KEY'];
  });

  it('sends no key when the variable is unset (local servers)', async () => {
    reply = { status: 200, body: JSON.stringify({ choices: [{ message: { content: 'ok' } }] }) };
    const llm = new OpenAiChatLLM({ baseUrl: base, model: 'm', apiKeyEnv: 'SIFT_TEST_UNSET_KEY' });
    expect(await llm.complete('hi')).toBe('ok');
    expect(seen.at(-1)!.auth).toBeUndefined();
    expect(seen.at(-1)!.body['messages']).toEqual([{ role: 'user', content: 'hi' }]);
  });

  it('HTTP errors, bodies without content and unreachable servers are one clear E_RUNTIME', async () => {
    const llm = new OpenAiChatLLM({ baseUrl: base, model: 'm' });
    reply = { status: 404, body: '{"error":"model m not found"}' };
    await expect(llm.complete('hi')).rejects.toThrow(/HTTP 404: \{"error":"model m not found"\}/);
    reply = { status: 200, body: '{"choices":[]}' };
    await expect(llm.complete('hi')).rejects.toMatchObject({ code: 'E_RUNTIME', message: expect.stringMatching(/choices\[0\]/) });
    reply = { status: 200, body: 'not json' };
    await expect(llm.complete('hi')).rejects.toThrow(/not JSON/);
    // A port nobody listens on: take a free one from a server we then close.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    await expect(new OpenAiChatLLM({ baseUrl: `http://127.0.0.1:${port}/v1`, model: 'm' }).complete('hi')).rejects.toThrow(/unreachable/);
    const ac = new AbortController();
    ac.abort();
    await expect(llm.complete('hi', { signal: ac.signal })).rejects.toMatchObject({ code: 'E_ABORTED' });
  });

  it('rejects a bad base URL naming the key', () => {
    expect(() => new OpenAiChatLLM({ baseUrl: 'localhost:8000', model: 'm' })).toThrow(/baseUrl/);
  });
});
