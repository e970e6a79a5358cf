import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

/** One Web API call as the fake received it. */
export interface RecordedSlackCall {
  method: string;
  /** Form fields or JSON body; JSON-valued form fields (`blocks`, `view`, `files`) decoded. */
  body: Record<string, unknown>;
  token: string | undefined;
  /** Date.now() at arrival. */
  at: number;
  /** What the fake answered: `ok`, a Slack error string, or `429`. */
  outcome: string;
}

/** A scripted answer: a 429 with Retry-After, or `ok: false` with Slack's error string. */
export type ScriptedReply = { status: 429; retryAfter: number } | { error: string };

export type CallRule = (call: RecordedSlackCall) => ScriptedReply | undefined;

export interface PostedMessage {
  channel: string;
  ts: string;
  thread_ts: string | undefined;
  text: string;
  blocks: unknown[];
  /** How many times chat.update changed it. */
  updates: number;
}

export interface UploadedFile {
  id: string;
  filename: string;
  title: string | undefined;
  channel: string | undefined;
  threadTs: string | undefined;
  comment: string | undefined;
  content: string;
  /** The uploaded bytes as sent (a PNG's are not text). */
  bytes: Buffer;
  /**
   * files.completeUploadExternal was called for it. Without a channel the file stays private
   * to the uploader, who may still show it in a message's image block (`slack_file`).
   */
  completed: boolean;
  /** `alt_text` given to files.getUploadURLExternal (the Node SDK's name for it). */
  altText: string | undefined;
}

/** A workspace member as users.info tells of them. */
export interface FakeSlackUser {
  /** The username (`user.name`). */
  name: string;
  real_name?: string;
  /** `profile.display_name`; Slack sends "" when the user never set one. */
  display_name?: string;
}

export interface FakeSlack {
  /** `SLACK_API_URL` for the bot: http://127.0.0.1:port/api/ */
  apiUrl: string;
  baseUrl: string;
  botToken: string;
  appToken: string;
  botUserId: string;
  botId: string;
  teamId: string;
  calls: RecordedSlackCall[];
  callsTo(method: string): RecordedSlackCall[];
  /** Messages as they stand now, by ts. */
  messages: Map<string, PostedMessage>;
  uploads: UploadedFile[];
  /**
   * Who users.info knows, by user id; any other id is `user_not_found`. Refusals such as
   * `missing_scope` are scripted with `script` or `rule`, as for every method.
   */
  users: Map<string, FakeSlackUser>;
  /** Bodies posted to response URLs (slash command `respond`). */
  responses: { id: string; body: unknown }[];
  responseUrl(id?: string): string;
  /** Answers the next calls of `method` with these, in order, before anything else. */
  script(method: string, ...replies: ScriptedReply[]): void;
  /** Answers every call of `method` the rule returns a reply for. */
  rule(method: string, rule: CallRule | undefined): void;
  /** Resolves once `check` passes (polled), rejects after `timeoutMs` with what was recorded. */
  waitFor(check: () => boolean, timeoutMs?: number): Promise<void>;
  /** Socket Mode: sends an `events_api` envelope to every connected client. */
  sendSocketEvent(payload: unknown, retryAttempt?: number): string;
  /** Envelope ids the Socket Mode clients acknowledged. */
  socketAcks: string[];
  socketConnections(): number;
  close(): Promise<void>;
}

/**
 * A real HTTP server speaking the Slack Web API as far as the bot uses it (auth.test,
 * chat.postMessage/update/postEphemeral, reactions, views.open, users.info, the files.uploadV2 flow with its
 * upload URL, apps.connections.open with a Socket Mode WebSocket), recording every call with its
 * body. Image blocks are checked as Slack checks them (see `blocksRefusal`). Answers like Slack: HTTP 200 with `{ok: …}`, or a scripted 429 with Retry-After.
 */
export async function startFakeSlack(
  options: { botToken?: string; appToken?: string } = {},
): Promise<FakeSlack> {
  const botToken = options.botToken ?? 'xoxb-fake-bot-token';
  const appToken = options.appToken ?? 'xapp-fake-app-token';
  const scripts = new Map<string, ScriptedReply[]>();
  const rules = new Map<string, CallRule>();
  const sockets = new Set<Socket>();
  let counter = 0;
  const nextTs = () => {
    counter += 1;
    return `${1_760_000_000 + counter}.${String(counter).padStart(6, '0')}`;
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error instanceof Error ? error.stack : error));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (request, socket, head) => {
    if (!(request.url ?? '').startsWith('/socket')) {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  });
  wss.on('connection', (ws: WebSocket) => {
    ws.send(
      JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'AFAKE' } }),
    );
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { envelope_id?: string };
      if (message.envelope_id) fake.socketAcks.push(message.envelope_id);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const raw = await readBody(req);
    if (path.startsWith('/upload/')) return upload(path.slice('/upload/'.length), req, raw, res);
    if (path.startsWith('/respond/')) {
      fake.responses.push({
        id: path.slice('/respond/'.length),
        body: parseJson(raw.toString('utf8')),
      });
      return send(res, 200, 'ok', 'text/plain');
    }
    if (!path.startsWith('/api/')) return send(res, 404, 'not found', 'text/plain');
    const method = path.slice('/api/'.length);
    const body = await parseBody(req, raw);
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ')
      ? header.slice(7)
      : typeof body.token === 'string'
        ? body.token
        : undefined;
    const call: RecordedSlackCall = { method, body, token, at: Date.now(), outcome: 'ok' };
    fake.calls.push(call);

    const scripted = scripts.get(method)?.shift() ?? rules.get(method)?.(call);
    if (scripted && 'status' in scripted) {
      call.outcome = '429';
      res.writeHead(429, {
        'retry-after': String(scripted.retryAfter),
        'content-type': 'application/json',
      });
      res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    }
    const answer = scripted ? { ok: false, error: scripted.error } : api(method, body, token);
    call.outcome = answer.ok === true ? 'ok' : String(answer.error);
    return send(res, 200, JSON.stringify(answer), 'application/json');
  }

  function api(
    method: string,
    body: Record<string, unknown>,
    token: string | undefined,
  ): Record<string, unknown> {
    if (token === undefined) return { ok: false, error: 'not_authed' };
    if (method === 'apps.connections.open') {
      return token === appToken
        ? {
            ok: true,
            url: `ws://127.0.0.1:${port}/socket?ticket=${randomBytes(4).toString('hex')}`,
          }
        : { ok: false, error: 'invalid_auth' };
    }
    if (token !== botToken) return { ok: false, error: 'invalid_auth' };
    const channel = typeof body.channel === 'string' ? body.channel : undefined;
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://fake.slack.com/',
          team: 'Fake',
          user: 'quarry',
          team_id: fake.teamId,
          user_id: fake.botUserId,
          bot_id: fake.botId,
        };
      case 'chat.postMessage': {
        if (!channel) return { ok: false, error: 'channel_not_found' };
        const refused = blocksRefusal(body.blocks);
        if (refused) return refused;
        const ts = nextTs();
        const message: PostedMessage = {
          channel,
          ts,
          thread_ts: typeof body.thread_ts === 'string' ? body.thread_ts : undefined,
          text: String(body.text ?? ''),
          blocks: Array.isArray(body.blocks) ? body.blocks : [],
          updates: 0,
        };
        fake.messages.set(ts, message);
        return {
          ok: true,
          channel,
          ts,
          message: {
            type: 'message',
            user: fake.botUserId,
            bot_id: fake.botId,
            text: message.text,
            ts,
          },
        };
      }
      case 'chat.update': {
        const message = fake.messages.get(String(body.ts));
        if (!message || message.channel !== channel)
          return { ok: false, error: 'message_not_found' };
        const refused = blocksRefusal(body.blocks);
        if (refused) return refused;
        message.text = String(body.text ?? '');
        message.blocks = Array.isArray(body.blocks) ? body.blocks : [];
        message.updates += 1;
        return { ok: true, channel, ts: message.ts, text: message.text };
      }
      case 'chat.postEphemeral':
        return channel
          ? { ok: true, message_ts: nextTs() }
          : { ok: false, error: 'channel_not_found' };
      case 'reactions.add':
      case 'reactions.remove':
        return { ok: true };
      case 'users.info': {
        const id = String(body.user ?? '');
        const user = fake.users.get(id);
        if (!user) return { ok: false, error: 'user_not_found' };
        const realName = user.real_name ?? '';
        return {
          ok: true,
          user: {
            id,
            team_id: fake.teamId,
            name: user.name,
            real_name: realName,
            profile: { display_name: user.display_name ?? '', real_name: realName },
          },
        };
      }
      case 'views.open':
        return typeof body.trigger_id === 'string'
          ? {
              ok: true,
              view: {
                id: `V${randomBytes(4).toString('hex').toUpperCase()}`,
                ...(body.view as object),
              },
            }
          : { ok: false, error: 'invalid_arguments' };
      case 'files.getUploadURLExternal': {
        const id = `F${randomBytes(5).toString('hex').toUpperCase()}`;
        fake.uploads.push({
          id,
          filename: String(body.filename ?? ''),
          title: undefined,
          channel: undefined,
          threadTs: undefined,
          comment: undefined,
          content: '',
          bytes: Buffer.alloc(0),
          completed: false,
          altText: typeof body.alt_text === 'string' ? body.alt_text : undefined,
        });
        return { ok: true, upload_url: `${fake.baseUrl}/upload/${id}`, file_id: id };
      }
      case 'files.completeUploadExternal': {
        const files = Array.isArray(body.files)
          ? (body.files as { id: string; title?: string }[])
          : [];
        for (const file of files) {
          const upload = fake.uploads.find((u) => u.id === file.id);
          if (!upload) return { ok: false, error: 'file_not_found' };
          upload.completed = true;
          upload.title = file.title;
          upload.channel = typeof body.channel_id === 'string' ? body.channel_id : undefined;
          upload.threadTs = typeof body.thread_ts === 'string' ? body.thread_ts : undefined;
          upload.comment =
            typeof body.initial_comment === 'string' ? body.initial_comment : undefined;
        }
        return { ok: true, files: files.map((file) => ({ id: file.id, title: file.title })) };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  /**
   * Slack's check of image blocks: `alt_text` (at most 2,000 characters) and exactly one of
   * `image_url` or `slack_file`, which names exactly one of `id` or `url`; a `slack_file` id
   * must be a completed upload of a PNG, JPEG or GIF. Anything else is `invalid_blocks`.
   */
  function blocksRefusal(blocks: unknown): Record<string, unknown> | undefined {
    if (!Array.isArray(blocks)) return undefined;
    for (const [index, block] of blocks.entries()) {
      const image = block as {
        type?: unknown;
        alt_text?: unknown;
        image_url?: unknown;
        slack_file?: { id?: unknown; url?: unknown };
      };
      if (image.type !== 'image') continue;
      const invalid = (why: string) => ({
        ok: false,
        error: 'invalid_blocks',
        errors: [`${why} [json-pointer:/blocks/${index}]`],
      });
      if (typeof image.alt_text !== 'string' || image.alt_text.length > 2000)
        return invalid('must provide a valid alt_text');
      if ((image.image_url === undefined) === (image.slack_file === undefined))
        return invalid('must provide exactly one of image_url or slack_file');
      if (image.slack_file === undefined) continue;
      const { id, url } = image.slack_file;
      if ((id === undefined) === (url === undefined))
        return invalid('slack_file must have exactly one of id or url');
      const file = fake.uploads.find((upload) => upload.id === id);
      if (!file?.completed || !/\.(png|jpe?g|gif)$/i.test(file.filename))
        return invalid('invalid slack file');
    }
    return undefined;
  }

  async function upload(
    id: string,
    req: IncomingMessage,
    raw: Buffer,
    res: ServerResponse,
  ): Promise<void> {
    const file = fake.uploads.find((u) => u.id === id);
    if (!file) return send(res, 404, 'unknown upload', 'text/plain');
    const type = req.headers['content-type'] ?? '';
    if (type.startsWith('multipart/form-data')) {
      const form = await new Response(new Uint8Array(raw), {
        headers: { 'content-type': type },
      }).formData();
      const part = [...form.values()][0];
      // Bytes as sent: Blob.text() would drop a byte order mark the bot put there on purpose.
      file.bytes =
        typeof part === 'string'
          ? Buffer.from(part, 'utf8')
          : Buffer.from(await (part as Blob).arrayBuffer());
    } else {
      file.bytes = raw;
    }
    file.content = file.bytes.toString('utf8');
    return send(res, 200, `OK - ${raw.length}`, 'text/plain');
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;

  const fake: FakeSlack = {
    apiUrl: `${baseUrl}/api/`,
    baseUrl,
    botToken,
    appToken,
    botUserId: 'UQUARRYBOT',
    botId: 'BQUARRY',
    teamId: 'TFAKE',
    calls: [],
    callsTo: (method) => fake.calls.filter((call) => call.method === method),
    messages: new Map(),
    uploads: [],
    users: new Map(),
    responses: [],
    responseUrl: (id = randomBytes(4).toString('hex')) => `${baseUrl}/respond/${id}`,
    script(method, ...replies) {
      scripts.set(method, [...(scripts.get(method) ?? []), ...replies]);
    },
    rule(method, rule) {
      if (rule) rules.set(method, rule);
      else rules.delete(method);
    },
    async waitFor(check, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > deadline) {
          const seen = fake.calls.map(
            (c) => `${c.method} ${c.outcome} ${JSON.stringify(c.body).slice(0, 300)}`,
          );
          throw new Error(
            `condition not met within ${timeoutMs} ms; Slack calls:\n${seen.join('\n')}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    sendSocketEvent(payload, retryAttempt = 0) {
      const envelopeId = randomBytes(8).toString('hex');
      const envelope = {
        envelope_id: envelopeId,
        type: 'events_api',
        payload,
        accepts_response_payload: false,
        retry_attempt: retryAttempt,
        retry_reason: retryAttempt > 0 ? 'timeout' : '',
      };
      for (const client of wss.clients) client.send(JSON.stringify(envelope));
      return envelopeId;
    },
    socketAcks: [],
    socketConnections: () => wss.clients.size,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close((error) => (error ? reject(error) : resolve()));
        for (const socket of sockets) socket.destroy();
      }),
  };
  return fake;
}

async function parseBody(req: IncomingMessage, raw: Buffer): Promise<Record<string, unknown>> {
  const type = req.headers['content-type'] ?? '';
  const text = raw.toString('utf8');
  if (type.startsWith('application/json'))
    return (parseJson(text) as Record<string, unknown>) ?? {};
  const fields: Record<string, unknown> = {};
  if (type.startsWith('multipart/form-data')) {
    const form = await new Response(new Uint8Array(raw), {
      headers: { 'content-type': type },
    }).formData();
    for (const [key, value] of form.entries())
      fields[key] = typeof value === 'string' ? decodeField(value) : '[file]';
    return fields;
  }
  for (const [key, value] of new URLSearchParams(text)) fields[key] = decodeField(value);
  return fields;
}

/** The Web API client sends objects as JSON strings inside form fields. */
function decodeField(value: string): unknown {
  if (!/^[[{]/.test(value)) return value;
  return parseJson(value) ?? value;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: string, type: string): void {
  res.writeHead(status, { 'content-type': type, 'x-slack-req-id': randomBytes(6).toString('hex') });
  res.end(body);
}
