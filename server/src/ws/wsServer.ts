import type { IncomingMessage, Server } from 'node:http';
import type { AskEvent, RefusalFrame } from '@quarry/shared';
import { queryFrameSchema } from '@quarry/shared';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { type AskLimiter, askerKey, askerLimitMessage } from '../asks/askLimiter.js';
import type { AskService } from '../asks/askService.js';
import { isAuthorized, requestToken } from '../http/auth.js';
import type { Logger } from '../logger.js';
import { createChunkCoalescer } from './chunkCoalescer.js';
import { eventFrames } from './eventFrames.js';
import { createFrameSender, type OutgoingFrame } from './frameSender.js';
import { createMessageRate } from './messageRate.js';
import { watchMessageSizes } from './messageSizeGuard.js';
import { createTextRenderer, errorFrame } from './textFrames.js';

/** Characters of a frame that reach the log; the frame itself is sent whole. */
const LOGGED_FRAME_CHARS = 2000;
export interface WsLimits {
  /** Largest text frame read as a question; larger ones get an error frame. */
  maxMessageBytes: number;
  /** Asks one connection may have running at once (text mode runs them one after another). */
  maxConcurrentAsks: number;
  /** Token bucket per connection: messages refilled per second, and the burst allowed. */
  messagesPerSecond: number;
  messageBurst: number;
  /** Messages refused for rate in a row after which the connection is closed (1008). */
  floodCloseAfter: number;
  /** Bytes buffered for a socket above which frames wait (and merge) in Quarry instead. */
  sendBufferBytes: number;
  /** A socket blocked this long without draining has its running asks stopped. */
  sendStallMs: number;
}

export const DEFAULT_WS_LIMITS: WsLimits = {
  maxMessageBytes: 64 * 1024,
  maxConcurrentAsks: 4,
  messagesPerSecond: 5,
  messageBurst: 10,
  floodCloseAfter: 100,
  sendBufferBytes: 4 * 1024 * 1024,
  sendStallMs: 30_000,
};

type Mode = 'text' | 'json';

/**
 * The `/ws` endpoint: the seed's text protocol by default, events mode with `?format=json`.
 * A bad frame gets an error frame; the connection stays open.
 */
export function attachWebSocketServer(deps: {
  server: Server;
  asks: AskService;
  logger: Logger;
  apiTokens: readonly string[];
  limits?: Partial<WsLimits>;
  /** Asks per user across connections; unlimited when absent. */
  askLimiter?: AskLimiter;
}): WebSocketServer {
  const limits = { ...DEFAULT_WS_LIMITS, ...deps.limits };
  // The library itself refuses longer messages from their header, before buffering any of
  // them (it closes with 1009); `watchMessageSizes` lets the error frame go out first.
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes });

  deps.server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== '/ws') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    if (!isAuthorized(request, url, deps.apiTokens)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      watchMessageSizes(socket, limits.maxMessageBytes, (bytes) => {
        const message = `The message is ${bytes} bytes; at most ${limits.maxMessageBytes} bytes are accepted.`;
        const refusal: RefusalFrame = { type: 'error', code: 'PAYLOAD_TOO_LARGE', message };
        const json = url.searchParams.get('format') === 'json';
        ws.send(json ? JSON.stringify(refusal) : errorFrame(message));
        deps.logger.info({ bytes }, 'WebSocket message too large: refused and closed (1009)');
      });
      wss.emit('connection', ws, request);
    });
  });

  wss.on('connection', (ws: WebSocket, request: IncomingMessage) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const connectionMode: Mode = url.searchParams.get('format') === 'json' ? 'json' : 'text';
    const client = {
      token: requestToken(request, url),
      remoteAddress: request.socket.remoteAddress,
    };
    handleConnection(ws, connectionMode, client, { ...deps, limits });
  });
  return wss;
}

function handleConnection(
  ws: WebSocket,
  connectionMode: Mode,
  client: { token: string | undefined; remoteAddress: string | undefined },
  deps: { asks: AskService; logger: Logger; limits: WsLimits; askLimiter?: AskLimiter | undefined },
): void {
  const running = new Set<string>();
  // Accepted asks, queued or running: the per-connection limit counts both.
  let accepted = 0;
  // Text frames carry no ask id, so text-mode asks on one connection run one after another.
  let textChain: Promise<unknown> = Promise.resolve();
  const rate = createMessageRate({
    perSecond: deps.limits.messagesPerSecond,
    burst: deps.limits.messageBurst,
    closeAfterRefusals: deps.limits.floodCloseAfter,
  });

  const sender = createFrameSender(ws, {
    bufferBytes: deps.limits.sendBufferBytes,
    stallMs: deps.limits.sendStallMs,
    onStall: (state) => {
      deps.logger.warn(
        { ...state, askIds: [...running] },
        'WebSocket client is not reading its frames: stopping its running asks',
      );
      for (const askId of running) void deps.asks.stop(askId);
    },
    onResume: (state) => deps.logger.info(state, 'WebSocket client is reading again'),
  });

  // Every frame is logged at debug, as the seed does at info (one line per ask is at info, from
  // the ask service: a line per frame cost more CPU than the frame itself). A result's rows are
  // cut after a few lines' worth, so a 1,000-row answer does not put company data in the logs.
  // Frames go through `sender`, which holds them while the client is not reading.
  const logFrames = deps.logger.isLevelEnabled('debug');
  const send = (outgoing: OutgoingFrame | string, askId?: string, chunk = false) => {
    if (ws.readyState !== WebSocket.OPEN) return;
    const frame = typeof outgoing === 'string' ? outgoing : outgoing.text;
    sender.send(typeof outgoing === 'string' ? { kind: 'final', text: outgoing } : outgoing);
    if (!logFrames) return;
    const logged =
      frame.length > LOGGED_FRAME_CHARS
        ? `${frame.slice(0, LOGGED_FRAME_CHARS)}… (${frame.length - LOGGED_FRAME_CHARS} more characters)`
        : frame;
    deps.logger.debug(
      { ask_id: askId, frame: logged },
      chunk ? 'WebSocket发送流式chunk' : 'WebSocket发送',
    );
  };
  const refuse = (mode: Mode, code: RefusalFrame['code'], message: string) => {
    const frame: RefusalFrame = { type: 'error', code, message };
    send(mode === 'json' ? JSON.stringify(frame) : errorFrame(message));
  };

  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (ws.readyState !== WebSocket.OPEN) return;
    const admitted = rate.admit();
    if (admitted !== 'accept') {
      const limit = `at most ${deps.limits.messagesPerSecond} messages per second (bursts of ${deps.limits.messageBurst})`;
      if (admitted === 'close') {
        refuse(
          connectionMode,
          'RATE_LIMITED',
          `Too many messages: ${deps.limits.floodCloseAfter} in a row arrived faster than ${limit}; closing the connection.`,
        );
        ws.close(1008, 'message rate limit exceeded');
      } else {
        refuse(connectionMode, 'RATE_LIMITED', `Too many messages: send ${limit}.`);
      }
      return;
    }
    if (isBinary) {
      refuse(
        connectionMode,
        'BAD_REQUEST',
        'Binary frames are not supported: send one JSON text frame per question.',
      );
      return;
    }
    let parsedJson: unknown;
    try {
      parsedJson = JSON.parse(rawText(data));
    } catch {
      refuse(
        connectionMode,
        'BAD_REQUEST',
        'The message is not valid JSON: send {"type":"query","query":"<your question>"}.',
      );
      return;
    }
    if (typeof parsedJson !== 'object' || parsedJson === null || Array.isArray(parsedJson)) {
      refuse(
        connectionMode,
        'BAD_REQUEST',
        'The message must be a JSON object: send {"type":"query","query":"<your question>"}.',
      );
      return;
    }
    const parsed = queryFrameSchema.safeParse(parsedJson);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join('.') || 'message';
      // zod does not say whether a value was absent or of the wrong type: the frame does.
      const absent = issue?.path.length === 1 && !Object.hasOwn(parsedJson, field);
      const message = absent
        ? `"${field}" is required: send {"type":"query","query":"<your question>"}.`
        : `Invalid "${field}": ${issue?.message ?? 'invalid value'}.`;
      refuse(connectionMode, 'BAD_REQUEST', message);
      return;
    }
    const query = parsed.data;
    const mode: Mode = query.format ?? connectionMode;
    // A client that has not read its earlier answers gets no new ones to hold.
    if (sender.behind || sender.stalled) {
      refuse(
        mode,
        'RATE_LIMITED',
        'This connection has not read its earlier answers yet; read them before asking again.',
      );
      return;
    }
    if (accepted >= deps.limits.maxConcurrentAsks) {
      refuse(
        mode,
        'RATE_LIMITED',
        `At most ${deps.limits.maxConcurrentAsks} questions may run at once on one connection; wait for an answer first.`,
      );
      return;
    }
    const asker = askerKey({ user: query.user, ...client });
    const release = deps.askLimiter ? deps.askLimiter.tryAcquire(asker) : () => undefined;
    if (!release) {
      refuse(mode, 'RATE_LIMITED', askerLimitMessage(deps.askLimiter?.maxPerAsker ?? 0));
      return;
    }

    accepted += 1;
    const start = async () => {
      if (ws.readyState !== WebSocket.OPEN) return;
      const render = createTextRenderer();
      let askIdForFrames = '';
      const events = createChunkCoalescer((event) => {
        const chunk = event.type.endsWith('_chunk');
        for (const frame of eventFrames(event, askIdForFrames, 'json', render)) {
          send(frame, askIdForFrames, chunk);
        }
      });
      const { askId, done } = deps.asks.ask(
        {
          question: query.query,
          datasource: query.datasource,
          threadId: query.thread_id,
          source: query.source ?? 'ws',
          askedBy: query.user,
          askedByName: query.user_name,
          // The seed's frames have no place for an answer, a chart or follow-ups.
          ...(mode === 'text' ? { parts: [] } : {}),
        },
        (event: AskEvent, id: string) => {
          if (mode === 'json') {
            askIdForFrames = id;
            events.push(event);
          } else {
            const chunk = event.type.endsWith('_chunk');
            for (const frame of eventFrames(event, id, mode, render)) send(frame, id, chunk);
          }
        },
      );
      running.add(askId);
      try {
        await done;
      } finally {
        events.flush();
        running.delete(askId);
      }
    };
    const settle = () => {
      accepted -= 1;
      release();
    };
    if (mode === 'text') {
      textChain = textChain.then(start).finally(settle);
    } else {
      void start().finally(settle);
    }
  });

  ws.on('close', () => {
    sender.discard();
    for (const askId of running) void deps.asks.stop(askId);
  });
  ws.on('error', (error) => deps.logger.warn({ err: error }, 'WebSocket connection error'));
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data).toString('utf8');
}
