import type { Socket } from 'node:net';
import { WebSocket } from 'ws';

/**
 * A frame for one client. `final` frames (answers, errors, refusals, the seed's status lines)
 * are always delivered, in order. `progress` frames (streamed chunks, intermediate statuses)
 * may be merged while the client is behind: a frame with the same `key` as the one waiting
 * last replaces it with `coalesce(waiting)`.
 */
export type OutgoingFrame =
  | { kind: 'final'; text: string }
  | { kind: 'progress'; key: string; text: string; coalesce: (waiting: string) => string };

export interface FrameSenderOptions {
  /**
   * The connection's TCP socket (the upgrade request's `socket`). Frames written in one turn of
   * the event loop leave in one `writev` through it instead of one each.
   */
  socket?: Socket;
  /** Above this many bytes buffered for the socket, frames wait in the sender instead. */
  bufferBytes: number;
  /** Blocked this long without draining: `onStall` runs (the connection's asks are stopped). */
  stallMs: number;
  onStall(state: { bufferedBytes: number; waitingFrames: number; blockedMs: number }): void;
  /** The client caught up after a stall. */
  onResume?(state: { blockedMs: number; coalesced: number }): void;
}

/**
 * Backpressure for one WebSocket. Promises: no frame is written while more than `bufferBytes`
 * wait in the socket's send buffer (`bufferedAmount`); frames held meanwhile are written in
 * order as it drains, progress frames merged so a slow client costs one frame per key, not
 * one per chunk; `onStall` runs once per blockage that lasts `stallMs`; frames written in the
 * same turn of the event loop (an ask's statuses, `sql` and its status, the result and the
 * terminal status) go out together in one system call, never later than the end of that turn.
 * Leaves out: refusing
 * new questions (the caller asks `behind`) and closing the socket.
 */
export interface FrameSender {
  send(frame: OutgoingFrame): void;
  /** Frames are waiting in the sender (the client has not read what it was sent). */
  readonly behind: boolean;
  /** Blocked for longer than `stallMs`, and not yet caught up. */
  readonly stalled: boolean;
  /** Drops what waits and the stall timer: the socket is gone. */
  discard(): void;
}

export function createFrameSender(ws: WebSocket, options: FrameSenderOptions): FrameSender {
  const waiting: Array<{ key: string | undefined; text: string }> = [];
  let blockedSince: number | undefined;
  let stallTimer: NodeJS.Timeout | undefined;
  let stalled = false;
  let coalesced = 0;

  const full = () => ws.bufferedAmount > options.bufferBytes;

  // A system call per frame costs more than building the frame: the socket is corked at the
  // turn's first frame and uncorked once the turn's synchronous work and promise callbacks ran.
  const { socket } = options;
  let corked = false;
  const uncork = () => {
    corked = false;
    socket?.uncork();
  };
  const write = (text: string) => {
    if (socket && !corked) {
      corked = true;
      socket.cork();
      process.nextTick(uncork);
    }
    // The callback runs once the frame left the send buffer: the moment to send more.
    ws.send(text, drained);
    if (full()) markBlocked();
  };

  function markBlocked(): void {
    if (blockedSince !== undefined) return;
    blockedSince = Date.now();
    stallTimer = setTimeout(() => {
      stallTimer = undefined;
      if (blockedSince === undefined || ws.readyState !== WebSocket.OPEN) return;
      stalled = true;
      options.onStall({
        bufferedBytes: ws.bufferedAmount,
        waitingFrames: waiting.length,
        blockedMs: Date.now() - blockedSince,
      });
    }, options.stallMs);
    stallTimer.unref();
  }

  function drained(): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    while (waiting.length > 0 && !full()) {
      const next = waiting.shift();
      if (next) write(next.text);
    }
    if (waiting.length > 0 || full() || blockedSince === undefined) return;
    const blockedMs = Date.now() - blockedSince;
    if (stallTimer) clearTimeout(stallTimer);
    stallTimer = undefined;
    blockedSince = undefined;
    if (stalled) options.onResume?.({ blockedMs, coalesced });
    stalled = false;
    coalesced = 0;
  }

  return {
    send(frame) {
      if (ws.readyState !== WebSocket.OPEN) return;
      if (waiting.length === 0 && !full()) {
        write(frame.text);
        return;
      }
      markBlocked();
      const last = waiting.at(-1);
      if (frame.kind === 'progress' && last?.key === frame.key) {
        last.text = frame.coalesce(last.text);
        coalesced += 1;
        return;
      }
      waiting.push({ key: frame.kind === 'progress' ? frame.key : undefined, text: frame.text });
    },
    get behind() {
      return waiting.length > 0;
    },
    get stalled() {
      return stalled;
    },
    discard() {
      waiting.length = 0;
      if (stallTimer) clearTimeout(stallTimer);
      stallTimer = undefined;
    },
  };
}
