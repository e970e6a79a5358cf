import type { AnswerPart } from './events.js';

/** The fields of an events-mode frame that say whether it ends its ask. */
interface FrameHead {
  type: string;
  parts?: readonly AnswerPart[] | undefined;
}

/**
 * For one ask's events-mode frames in order: whether a frame is the ask's last. That is its
 * `error` or `reply`, its `result` when it announces no `parts`, or else the last of the parts
 * the result announced. A refusal (an `error` with no ask) ends it too. Clients that keep one
 * socket per ask close it there; closing earlier stops the ask on the server.
 */
export function createAskEndTracker(): (frame: FrameHead) => boolean {
  let pending: AnswerPart[] | undefined;
  return (frame) => {
    if (frame.type === 'error' || frame.type === 'reply') return true;
    if (frame.type === 'result') {
      pending = [...(frame.parts ?? [])];
      return pending.length === 0;
    }
    if (pending?.includes(frame.type as AnswerPart)) {
      pending = pending.filter((part) => part !== frame.type);
      return pending.length === 0;
    }
    return false;
  };
}
