import { type AskFrame, createAskEndTracker, type RefusalFrame } from '@quarry/shared';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useSession } from '../../lib/session';
import { type AskRun, applyFrame, isOver, startRun } from './askRun';

/** The part of a browser WebSocket the playground uses; tests hand in a scripted one. */
export interface SocketLike {
  readyState: number;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (url: string) => SocketLike;

/**
 * `/ws` on the same host, in events mode, with the admin token as `?token=` (a browser cannot
 * set headers on a WebSocket). The server accepts the admin token wherever API_TOKENS guard `/ws`.
 */
export function askSocketUrl(token: string | null, location: Location = window.location): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const params = new URLSearchParams({ format: 'json' });
  if (token) params.set('token', token);
  return `${scheme}//${location.host}/ws?${params.toString()}`;
}

const browserSocket: SocketFactory = (url) => new WebSocket(url);

/**
 * Runs one ask at a time over its own `/ws` connection and folds the frames into an `AskRun`.
 * Closing the connection early is how an ask is stopped: the server stops asks whose
 * connection goes away.
 */
export function useAskSocket(createSocket: SocketFactory = browserSocket) {
  const { token } = useSession();
  const [run, setRun] = useState<AskRun | null>(null);
  const socket = useRef<SocketLike | null>(null);

  const closeSocket = useCallback(() => {
    const current = socket.current;
    socket.current = null;
    if (current && current.readyState <= 1) current.close(1000, 'done');
  }, []);

  useEffect(() => closeSocket, [closeSocket]);

  const ask = useCallback(
    (question: string, datasource: string) => {
      closeSocket();
      setRun(startRun(question, datasource));
      let opened = false;
      // The frame after which the server sends nothing more for this ask.
      const isLast = createAskEndTracker();
      const ws = createSocket(askSocketUrl(token));
      socket.current = ws;
      ws.onopen = () => {
        opened = true;
        ws.send(
          JSON.stringify({
            type: 'query',
            query: question,
            source: 'console',
            ...(datasource ? { datasource } : {}),
          }),
        );
      };
      ws.onmessage = (event: MessageEvent) => {
        let frame: AskFrame | RefusalFrame;
        try {
          frame = JSON.parse(String(event.data)) as AskFrame | RefusalFrame;
        } catch {
          return;
        }
        setRun((current) => current && applyFrame(current, frame));
        if (isLast(frame) && socket.current === ws) closeSocket();
      };
      ws.onclose = () => {
        // A socket this hook let go of (stopped, or replaced by a newer ask) reports nothing.
        if (socket.current !== ws) return;
        socket.current = null;
        setRun((current) =>
          current && !isOver(current)
            ? {
                ...current,
                phase: 'failed',
                error: {
                  code: opened ? 'DISCONNECTED' : 'CONNECTION_FAILED',
                  message: opened
                    ? 'The connection closed before the answer was complete.'
                    : 'Could not connect to the server’s WebSocket (/ws).',
                },
              }
            : current,
        );
      };
      ws.onerror = () => undefined;
    },
    [createSocket, closeSocket, token],
  );

  const stop = useCallback(() => {
    closeSocket();
    setRun((current) => (current && !isOver(current) ? { ...current, phase: 'stopped' } : current));
  }, [closeSocket]);

  return { run, ask, stop };
}
