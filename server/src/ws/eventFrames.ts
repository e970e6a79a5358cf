import { type AskEvent, type AskFrame, isTerminalStatus } from '@quarry/shared';
import type { OutgoingFrame } from './frameSender.js';
import { errorFrame } from './textFrames.js';

const TOO_LARGE = 'The result is too large to send in one frame; ask for fewer rows or columns.';

/** V8 refuses strings past ~512 MB: `JSON.stringify` throws this instead of answering. */
function isStringTooLong(error: unknown): boolean {
  return error instanceof RangeError;
}

/**
 * The frames one ask event becomes on a connection: the seed's texts (text mode, `render`) or
 * one JSON event (events mode). Streamed chunks and intermediate statuses are `progress`
 * (mergeable while the client is behind); everything else is `final`. A frame too large to
 * build becomes the ask's error frame instead of an exception.
 */
export function eventFrames(
  event: AskEvent,
  askId: string,
  mode: 'text' | 'json',
  render: (event: AskEvent) => string[],
): OutgoingFrame[] {
  const chunk = event.type.endsWith('_chunk');
  if (mode === 'text') {
    let texts: string[];
    try {
      texts = render(event);
    } catch (error) {
      if (!isStringTooLong(error)) throw error;
      return [{ kind: 'final', text: errorFrame(TOO_LARGE) }];
    }
    return texts.map((text) =>
      chunk
        ? {
            kind: 'progress',
            key: `${askId}:text-chunk`,
            text,
            coalesce: (waiting: string) => waiting + text,
          }
        : { kind: 'final', text },
    );
  }
  const frame: AskFrame = { ...event, ask_id: askId };
  let text: string;
  try {
    text = JSON.stringify(frame);
  } catch (error) {
    if (!isStringTooLong(error)) throw error;
    const failed: AskFrame = {
      type: 'error',
      code: 'PAYLOAD_TOO_LARGE',
      message: TOO_LARGE,
      ask_id: askId,
    };
    return [{ kind: 'final', text: JSON.stringify(failed) }];
  }
  if (chunk && 'delta' in event) {
    return [
      {
        kind: 'progress',
        key: `${askId}:${event.type}`,
        text,
        // Chunks carry the text so far and the delta since the last one: merged, the delta
        // spans every chunk the client did not get.
        coalesce: (waiting: string) => {
          const earlier = (JSON.parse(waiting) as { delta?: string }).delta ?? '';
          return JSON.stringify({ ...frame, delta: earlier + event.delta });
        },
      },
    ];
  }
  if (event.type === 'status' && !isTerminalStatus(event.status)) {
    return [{ kind: 'progress', key: `${askId}:status`, text, coalesce: () => text }];
  }
  return [{ kind: 'final', text }];
}
