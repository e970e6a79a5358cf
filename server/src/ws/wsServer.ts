import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { QueryFrame, RefusalFrame } from '@quarry/shared';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { type AskLimiter, acquireAsker } from '../asks/askLimiter.js';
import type { AskRequest, AskService } from '../asks/askService.js';
import { isAuthorized, requestToken } from '../http/auth.js';
import type { Logger } from '../logger.js';
import { createChunkCoalescer } from './chunkCoalescer.js';
import { eventFrames } from './eventFrames.js';
import { createFrameSender, type OutgoingFrame } from './frameSender.js';
import { createMessageRate, rateRefusal } from './messageRate.js';
import { watchMessageSizes } from './messageSizeGuard.js';
import { parseQueryFrame } from './queryFrame.js';
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

export type Mode = 'text' | 'json';

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
    handleConnection(ws, connectionMode, client, { ...deps, limits, socket: request.socket });
  });
  return wss;
}

function handleConnection(
  ws: WebSocket,
  connectionMode: Mode,
  client: { token: string | undefined; remoteAddress: string | undefined },
  deps: {
    asks: AskService;
    logger: Logger;
    limits: WsLimits;
    askLimiter?: AskLimiter | undefined;
    socket: Socket;
  },
): void {
  const running = new Set<string>();
  // Accepted asks, queued or running: the per-connection limit counts both.
  let accepted = 0;
  // Text frames carry no ask id, so text-mode asks on one connection run one after another.
  let textChain: Promise<unknown> = Promise.resolve();
  const rateLimits = {
    perSecond: deps.limits.messagesPerSecond,
    burst: deps.limits.messageBurst,
    closeAfterRefusals: deps.limits.floodCloseAfter,
  };
  const rate = createMessageRate(rateLimits);

  const sender = createFrameSender(ws, {
    socket: deps.socket,
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

  /** Runs one accepted question, sending its frames as they come. */
  const answer = async (query: QueryFrame, mode: Mode) => {
    if (ws.readyState !== WebSocket.OPEN) return;
    const render = createTextRenderer();
    let askIdForFrames = '';
    const events = createChunkCoalescer((event) => {
      const chunk = event.type.endsWith('_chunk');
      for (const frame of eventFrames(event, askIdForFrames, 'json', render)) {
        send(frame, askIdForFrames, chunk);
      }
    });
    const { askId, done } = deps.asks.ask(askRequestOf(query, mode), (event, id) => {
      if (mode === 'json') {
        askIdForFrames = id;
        events.push(event);
      } else {
        const chunk = event.type.endsWith('_chunk');
        for (const frame of eventFrames(event, id, mode, render)) send(frame, id, chunk);
      }
    });
    running.add(askId);
    try {
      await done;
    } finally {
      events.flush();
      running.delete(askId);
    }
  };

  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (ws.readyState !== WebSocket.OPEN) return;
    const admitted = rate.admit();
    if (admitted !== 'accept') {
      refuse(connectionMode, 'RATE_LIMITED', rateRefusal(admitted, rateLimits));
      if (admitted === 'close') ws.close(1008, 'message rate limit exceeded');
      return;
    }
    const frame = parseQueryFrame(data, isBinary);
    if (!frame.ok) {
      refuse(connectionMode, 'BAD_REQUEST', frame.message);
      return;
    }
    const query = frame.query;
    const mode: Mode = query.format ?? connectionMode;
    const busy = connectionBusy(sender, accepted, deps.limits.maxConcurrentAsks);
    if (busy) {
      refuse(mode, 'RATE_LIMITED', busy);
      return;
    }
    const place = acquireAsker(deps.askLimiter, { user: query.user, ...client });
    if (!place.ok) {
      refuse(mode, 'RATE_LIMITED', place.refusal);
      return;
    }
    accepted += 1;
    const settle = () => {
      accepted -= 1;
      place.release();
    };
    if (mode === 'text') {
      textChain = textChain.then(() => answer(query, mode)).finally(settle);
    } else {
      void answer(query, mode).finally(settle);
    }
  });

  ws.on('close', () => {
    sender.discard();
    for (const askId of running) void deps.asks.stop(askId);
  });
  ws.on('error', (error) => deps.logger.warn({ err: error }, 'WebSocket connection error'));
}

/**
 * Why this connection takes no new question now, if it does not: a client that has not read
 * its earlier answers gets no new ones to hold, and one connection runs at most `max` asks.
 */
export function connectionBusy(
  sender: { behind: boolean; stalled: boolean },
  accepted: number,
  max: number,
): string | undefined {
  if (sender.behind || sender.stalled) {
    return 'This connection has not read its earlier answers yet; read them before asking again.';
  }
  if (accepted >= max) {
    return `At most ${max} questions may run at once on one connection; wait for an answer first.`;
  }
  return undefined;
}

/** The ask a query frame starts; text mode asks for no part after the rows. */
export function askRequestOf(query: QueryFrame, mode: Mode): AskRequest {
  return {
    question: query.query,
    datasource: query.datasource,
    threadId: query.thread_id,
    source: query.source ?? 'ws',
    askedBy: query.user,
    askedByName: query.user_name,
    // The seed's frames have no place for an answer, a chart or follow-ups.
    ...(mode === 'text' ? { parts: [] } : {}),
  };
}
