import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FakeChatReply {
  /** Whole text of the reply; for an error status, the error message (a default when empty). */
  content: string;
  /** Explicit stream deltas (default: content split into pieces of ~4 chars). */
  chunks?: string[];
  /** Wait before the first byte (time to first token). */
  delayMs?: number;
  /** Wait between stream chunks: the first content chunk follows the headers at once. */
  chunkDelayMs?: number;
  /** Answer with this HTTP error status and an OpenAI-style error body instead. */
  status?: number;
  /** Accept the request and never answer (time-out tests). */
  hang?: boolean;
}

export interface RecordedChatRequest {
  model: string;
  stream: boolean;
  messages: { role: string; content: string }[];
  /** Concatenated system messages. */
  system: string;
  /** Content of the last user message. */
  lastUser: string;
  body: Record<string, unknown>;
  /** performance.now() when the request arrived, when the first content chunk was written, when the reply ended. */
  receivedAt: number;
  firstChunkAt?: number;
  finishedAt?: number;
  /** performance.now() when the client closed the connection before the reply ended (a cancelled call). */
  abortedAt?: number;
}

export type ChatHandler = (
  request: RecordedChatRequest,
) => FakeChatReply | string | Promise<FakeChatReply | string>;

export interface FakeOpenAI {
  /** e.g. http://127.0.0.1:54321/v1 */
  baseUrl: string;
  chatRequests: RecordedChatRequest[];
  /** The inputs of each embeddings request, in arrival order. */
  embeddingRequests: string[][];
  /** How many `GET /v1/models` requests arrived (model auto-selection caches the list). */
  readonly modelListRequests: number;
  /** FIFO, consumed before the handler. */
  enqueue(...replies: (FakeChatReply | string)[]): void;
  onChat(handler: ChatHandler | undefined): void;
  setModels(ids: string[]): void;
  /** Answer every embeddings request with this HTTP error status (undefined: answer again). */
  failEmbeddings(status: number | undefined): void;
  /** Clears queue, handler and recordings. */
  reset(): void;
  /** Also destroys open sockets (hanging requests). */
  close(): Promise<void>;
}

const STATUS_ERRORS: Record<number, { type: string; code: string | null; message: string }> = {
  400: { type: 'invalid_request_error', code: null, message: 'Invalid request.' },
  401: {
    type: 'invalid_request_error',
    code: 'invalid_api_key',
    message: 'Incorrect API key provided.',
  },
  403: { type: 'invalid_request_error', code: null, message: 'You are not allowed to do this.' },
  404: { type: 'invalid_request_error', code: 'model_not_found', message: 'Not found.' },
  429: {
    type: 'requests',
    code: 'rate_limit_exceeded',
    message: 'Rate limit reached for requests. Please try again in 1s.',
  },
  500: {
    type: 'server_error',
    code: null,
    message: 'The server had an error while processing your request. Sorry about that!',
  },
  503: {
    type: 'server_error',
    code: null,
    message: 'The engine is currently overloaded, please try again later.',
  },
};

/**
 * Starts a real HTTP server speaking the OpenAI REST protocol (chat completions, streaming
 * included, embeddings, models) on 127.0.0.1, scripted per test. It is the suite's only
 * stand-in: everything under test talks to it through the real `openai` client over HTTP.
 */
export async function startFakeOpenAI(
  options: { models?: string[]; embeddingDimensions?: number } = {},
): Promise<FakeOpenAI> {
  const dimensions = options.embeddingDimensions ?? 64;
  let models = options.models ?? ['fake-model'];
  let queue: (FakeChatReply | string)[] = [];
  let handler: ChatHandler | undefined;
  let modelListRequests = 0;
  let embeddingFailure: number | undefined;
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A test's own handler threw: retrying would only call it again.
      if (!res.headersSent) res.setHeader('x-should-retry', 'false');
      sendError(
        res,
        500,
        `fake model: the chat handler threw: ${String(error instanceof Error ? error.stack : error)}`,
      );
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const route = `${req.method} ${path}`;
    // Real OpenAI refuses a request without a bearer key before looking at anything else.
    if (!/^Bearer \S+/.test(req.headers.authorization ?? '')) {
      return sendError(res, 401, "You didn't provide an API key.");
    }
    if (route === 'GET /v1/models') {
      modelListRequests++;
      const created = Math.floor(Date.now() / 1000);
      const data = models.map((id) => ({ id, object: 'model', created, owned_by: 'fake' }));
      return sendJson(res, 200, { object: 'list', data });
    }
    if (route !== 'POST /v1/chat/completions' && route !== 'POST /v1/embeddings') {
      return sendError(res, 404, `Unknown request URL: ${route}.`);
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(await readBody(req)) as Record<string, unknown>;
    } catch {
      return sendError(res, 400, 'We could not parse the JSON body of your request.');
    }
    return route === 'POST /v1/embeddings' ? embeddings(body, res) : chat(body, res);
  }

  function embeddings(body: Record<string, unknown>, res: ServerResponse): void {
    const input = typeof body.input === 'string' ? [body.input] : body.input;
    if (!Array.isArray(input) || input.some((text) => typeof text !== 'string')) {
      sendError(res, 400, "'input' must be a string or an array of strings.");
      return;
    }
    const texts = input as string[];
    fake.embeddingRequests.push(texts);
    if (embeddingFailure !== undefined) {
      // Retrying cannot help while the test keeps it failing.
      res.setHeader('x-should-retry', 'false');
      sendError(res, embeddingFailure, '');
      return;
    }
    const size = typeof body.dimensions === 'number' ? body.dimensions : dimensions;
    const data = texts.map((text, index) => {
      const vector = embedText(text, size);
      // The openai client asks for base64 (little-endian float32) unless told otherwise.
      const embedding =
        body.encoding_format === 'base64'
          ? Buffer.from(new Float32Array(vector).buffer).toString('base64')
          : vector;
      return { object: 'embedding', index, embedding };
    });
    const tokens = texts.reduce((sum, text) => sum + tokenize(text).length, 0);
    sendJson(res, 200, {
      object: 'list',
      data,
      model: String(body.model ?? ''),
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
  }

  async function chat(body: Record<string, unknown>, res: ServerResponse): Promise<void> {
    if (typeof body.model !== 'string' || !Array.isArray(body.messages)) {
      return sendError(res, 400, "'model' and 'messages' are required properties.");
    }
    const messages = (body.messages as { role?: unknown; content?: unknown }[]).map((m) => ({
      role: String(m.role),
      content: textOf(m.content),
    }));
    const request: RecordedChatRequest = {
      model: body.model,
      stream: body.stream === true,
      messages,
      system: messages
        .filter((m) => m.role === 'system')
        .map((m) => m.content)
        .join('\n'),
      lastUser: messages.findLast((m) => m.role === 'user')?.content ?? '',
      body,
      receivedAt: performance.now(),
    };
    fake.chatRequests.push(request);
    res.once('close', () => {
      if (request.finishedAt === undefined) request.abortedAt = performance.now();
    });
    const scripted = queue.shift() ?? (handler ? await handler(request) : undefined);
    if (scripted === undefined) {
      // Retrying cannot help: tell the client not to, so the test fails at once.
      res.setHeader('x-should-retry', 'false');
      return sendError(res, 500, 'fake model: no scripted reply');
    }
    const reply = typeof scripted === 'string' ? { content: scripted } : scripted;
    if (reply.hang) return;
    if (!(await wait(res, reply.delayMs))) return;
    if (reply.status !== undefined && reply.status >= 400) {
      return sendError(res, reply.status, reply.content);
    }
    const base = {
      id: `chatcmpl-${randomBytes(12).toString('hex')}`,
      created: Math.floor(Date.now() / 1000),
      model: request.model,
      system_fingerprint: 'fp_fake',
    };
    const promptTokens = messages.reduce((sum, m) => sum + tokenize(m.content).length, 0);
    const completionTokens = tokenize(reply.content).length;
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    };
    if (!request.stream) {
      request.finishedAt = performance.now();
      return sendJson(res, 200, {
        ...base,
        object: 'chat.completion',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: reply.content, refusal: null },
            logprobs: null,
            finish_reason: 'stop',
          },
        ],
        usage,
      });
    }
    const options = body.stream_options as { include_usage?: boolean } | undefined;
    const withUsage = options?.include_usage === true ? { usage: null } : {};
    const chunk = (delta: Record<string, unknown>, finish: string | null) =>
      `data: ${JSON.stringify({
        ...base,
        object: 'chat.completion.chunk',
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
        ...withUsage,
      })}\n\n`;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(chunk({ role: 'assistant', content: '', refusal: null }, null));
    const pieces = reply.chunks ?? splitContent(reply.content);
    for (const [i, piece] of pieces.entries()) {
      if (i > 0 && !(await wait(res, reply.chunkDelayMs))) return;
      res.write(chunk({ content: piece }, null));
      request.firstChunkAt ??= performance.now();
    }
    if (!(await wait(res, reply.chunkDelayMs))) return;
    res.write(chunk({}, 'stop'));
    if (options?.include_usage === true) {
      res.write(
        `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [], usage })}\n\n`,
      );
    }
    res.end('data: [DONE]\n\n');
    request.finishedAt = performance.now();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const fake: FakeOpenAI = {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    chatRequests: [],
    embeddingRequests: [],
    get modelListRequests() {
      return modelListRequests;
    },
    enqueue: (...replies) => {
      queue.push(...replies);
    },
    onChat: (next) => {
      handler = next;
    },
    setModels: (ids) => {
      models = [...ids];
    },
    failEmbeddings: (status) => {
      embeddingFailure = status;
    },
    reset: () => {
      queue = [];
      handler = undefined;
      modelListRequests = 0;
      embeddingFailure = undefined;
      fake.chatRequests.length = 0;
      fake.embeddingRequests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        for (const socket of sockets) socket.destroy();
      }),
  };
  return fake;
}

/**
 * A ChatHandler for pipelines that make several model calls per ask: the first route whose
 * regex matches `system + '\n' + lastUser` answers; otherwise `fallback`, or an HTTP 500 that
 * names the unmatched prompt.
 */
export function routeByPrompt(
  routes: Array<[RegExp, ChatHandler | FakeChatReply | string]>,
  fallback?: ChatHandler | FakeChatReply | string,
): ChatHandler {
  return (request) => {
    const prompt = `${request.system}\n${request.lastUser}`;
    const answer = routes.find(([pattern]) => pattern.test(prompt))?.[1] ?? fallback;
    if (answer === undefined) {
      return {
        status: 500,
        content: `fake model: no route matched the prompt: ${prompt.slice(0, 300)}`,
      };
    }
    return typeof answer === 'function' ? answer(request) : answer;
  };
}

/**
 * Deterministic bag-of-words embedding: lower-cased ASCII words, and for CJK text every
 * character and adjacent pair, hashed with a sign into `size` buckets and L2-normalised, so
 * texts sharing words score a high cosine and unrelated texts score near zero.
 */
export function embedText(text: string, size: number): number[] {
  const vector = new Array<number>(size).fill(0);
  for (const token of tokenize(text)) {
    const hash = fnv1a(token);
    vector[hash % size] = (vector[hash % size] ?? 0) + (hash & 0x80000000 ? -1 : 1);
  }
  const norm = Math.hypot(...vector);
  return norm === 0 ? vector : vector.map((value) => value / norm);
}

function tokenize(text: string): string[] {
  const tokens: string[] = [...(text.toLowerCase().match(/[a-z0-9]+/g) ?? [])];
  const cjkRuns = text.match(
    /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+/gu,
  );
  for (const run of cjkRuns ?? []) {
    const chars = Array.from(run);
    chars.forEach((char, i) => {
      tokens.push(char);
      if (i > 0) tokens.push(chars[i - 1] + char);
    });
  }
  return tokens;
}

function fnv1a(token: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(token, 'utf8')) {
    hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  }
  return hash;
}

function splitContent(content: string): string[] {
  const chars = Array.from(content);
  const pieces: string[] = [];
  for (let i = 0; i < chars.length; i += 4) pieces.push(chars.slice(i, i + 4).join(''));
  return pieces;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: { text?: unknown }) => (typeof part.text === 'string' ? part.text : ''))
    .join('');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

/** Resolves false when the client went away meanwhile, so nothing more is written. */
function wait(res: ServerResponse, ms: number | undefined): Promise<boolean> {
  if (res.destroyed || res.writableEnded) return Promise.resolve(false);
  if (!ms) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(!res.destroyed);
    }, ms);
    res.once('close', onClose);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-request-id': `req_fake_${randomBytes(6).toString('hex')}`,
  });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, message: string): void {
  const known = STATUS_ERRORS[status] ?? STATUS_ERRORS[status >= 500 ? 500 : 400];
  sendJson(res, status, {
    error: {
      message: message || known?.message || `HTTP ${status}`,
      type: known?.type ?? 'invalid_request_error',
      param: null,
      code: known?.code ?? null,
    },
  });
}
