import type { AskEvent } from '@quarry/shared';

type ChunkEvent = Extract<AskEvent, { type: 'sql_chunk' | 'reasoning_chunk' }>;

/** How long events mode gathers a stream's chunks into one frame. */
export const CHUNK_FRAME_INTERVAL_MS = 25;

export interface ChunkCoalescer {
  /** Takes the ask's next event; sends it now, or later merged with the chunks that follow it. */
  push(event: AskEvent): void;
  /** Sends what is held back and stops the timer (the ask is over or its connection closed). */
  flush(): void;
}

/**
 * Events mode's frames for a stream: a model writes SQL and reasoning in chunks of a few
 * characters, and a frame per chunk costs the server a `writev` and a log line each. The first
 * chunk goes out at once; chunks arriving within the next `intervalMs` are merged into one
 * frame (deltas joined, the text so far from the latest), and so on while the stream lasts.
 * Any other event first sends what is held back, so a client sees the whole text before `sql`
 * and the order of events never changes. Text mode does not use this: the seed sends one
 * frame per model chunk.
 */
export function createChunkCoalescer(
  send: (event: AskEvent) => void,
  intervalMs = CHUNK_FRAME_INTERVAL_MS,
): ChunkCoalescer {
  let held: ChunkEvent | undefined;
  let timer: NodeJS.Timeout | undefined;

  const sendHeld = () => {
    if (!held) return false;
    const event = held;
    held = undefined;
    send(event);
    return true;
  };
  const tick = () => {
    // Nothing arrived during the interval: the next chunk may go out at once again.
    timer = sendHeld() ? setTimeout(tick, intervalMs) : undefined;
  };
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    sendHeld();
  };

  return {
    push(event) {
      if (event.type !== 'sql_chunk' && event.type !== 'reasoning_chunk') {
        flush();
        send(event);
        return;
      }
      if (timer === undefined) {
        send(event);
        timer = setTimeout(tick, intervalMs);
        return;
      }
      if (held && held.type !== event.type) sendHeld();
      held = held ? merge(held, event) : { ...event };
    },
    flush,
  };
}

function merge(held: ChunkEvent, next: ChunkEvent): ChunkEvent {
  return next.type === 'sql_chunk'
    ? { type: 'sql_chunk', delta: held.delta + next.delta, sql: next.sql }
    : { type: 'reasoning_chunk', delta: held.delta + next.delta, reasoning: next.reasoning };
}
