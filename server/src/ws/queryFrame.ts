import { type QueryFrame, queryFrameSchema } from '@quarry/shared';
import type { RawData } from 'ws';

/** A `/ws` message read as a question, or the sentence that says why it is not one. */
export type ParsedQueryFrame = { ok: true; query: QueryFrame } | { ok: false; message: string };

const EXAMPLE = 'send {"type":"query","query":"<your question>"}';

/**
 * Reads one `/ws` message as a query frame: a JSON text frame holding an object that
 * `queryFrameSchema` accepts. Pure: the refusal is returned, the caller sends it (as a
 * BAD_REQUEST error frame).
 */
export function parseQueryFrame(data: RawData, isBinary: boolean): ParsedQueryFrame {
  if (isBinary) {
    return {
      ok: false,
      message: 'Binary frames are not supported: send one JSON text frame per question.',
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(rawText(data));
  } catch {
    return { ok: false, message: `The message is not valid JSON: ${EXAMPLE}.` };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, message: `The message must be a JSON object: ${EXAMPLE}.` };
  }
  const parsed = queryFrameSchema.safeParse(json);
  if (parsed.success) return { ok: true, query: parsed.data };
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') || 'message';
  // zod does not say whether a value was absent or of the wrong type: the frame does.
  const absent = issue?.path.length === 1 && !Object.hasOwn(json, field);
  return {
    ok: false,
    message: absent
      ? `"${field}" is required: ${EXAMPLE}.`
      : `Invalid "${field}": ${issue?.message ?? 'invalid value'}.`,
  };
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data).toString('utf8');
}
