import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** An OpenAI-compatible endpoint on 127.0.0.1 whose every chat reply is scripted. */
export interface ScriptedModel {
  /** e.g. http://127.0.0.1:54321/v1, for OPENAI_BASE_URL. */
  baseUrl: string;
  /** What the next chat completions answer (the text, whole). */
  answer(text: string): void;
  /** How many chat requests arrived. */
  readonly chatRequests: number;
  close(): Promise<void>;
}

export const SCRIPTED_MODEL_NAME = 'oracle';

/**
 * The oracle's model: a real HTTP server speaking the OpenAI chat-completions protocol
 * (streamed or not, plus the model list), so Quarry's own `openai` client talks to it exactly
 * as to a provider. It answers every chat request with the text set by `answer` — in the
 * oracle, the gold SQL of the question being asked — so what is measured is Quarry alone.
 */
export async function startScriptedModel(): Promise<ScriptedModel> {
  let text = '';
  let chatRequests = 0;
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    void respond(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function respond(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const route = `${req.method} ${(req.url ?? '/').split('?')[0]}`;
    const body = await readBody(req);
    if (route === 'GET /v1/models') {
      const data = [{ id: SCRIPTED_MODEL_NAME, object: 'model', created: 0, owned_by: 'oracle' }];
      return sendJson(res, 200, { object: 'list', data });
    }
    if (route !== 'POST /v1/chat/completions') {
      return sendJson(res, 404, { error: { message: `Unknown request URL: ${route}.` } });
    }
    chatRequests += 1;
    const request = JSON.parse(body || '{}') as { stream?: boolean; model?: string };
    const base = {
      id: `chatcmpl-${randomBytes(8).toString('hex')}`,
      created: Math.floor(Date.now() / 1000),
      model: request.model ?? SCRIPTED_MODEL_NAME,
    };
    if (request.stream !== true) {
      return sendJson(res, 200, {
        ...base,
        object: 'chat.completion',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: text, refusal: null },
            finish_reason: 'stop',
          },
        ],
      });
    }
    const chunk = (delta: Record<string, unknown>, finish: string | null) =>
      `data: ${JSON.stringify({
        ...base,
        object: 'chat.completion.chunk',
        choices: [{ index: 0, delta, finish_reason: finish }],
      })}\n\n`;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(chunk({ role: 'assistant', content: '' }, null));
    // Line by line, as a model streams: extraction must put the pieces back together.
    for (const piece of text.split(/(?<=\n)/)) res.write(chunk({ content: piece }, null));
    res.write(chunk({}, 'stop'));
    res.end('data: [DONE]\n\n');
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    answer: (next) => {
      text = next;
    },
    get chatRequests() {
      return chatRequests;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        for (const socket of sockets) socket.destroy();
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
