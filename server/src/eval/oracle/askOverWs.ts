import type { AskEvent, ErrorCode, ResultRow } from '@quarry/shared';
import WebSocket from 'ws';

export type OracleMode = 'text' | 'events';

/** What a client saw of one ask on /ws: the rows, or the error and (when known) its code. */
export type WsAnswer =
  | {
      ok: true;
      sql: string;
      /** Events mode names the columns in order; text mode's rows are JSON objects only. */
      columns: string[] | null;
      rows: ResultRow[];
      capped: boolean;
    }
  | { ok: false; code: ErrorCode | undefined; message: string }
  | { ok: false; code: 'TIMEOUT'; message: string };

/**
 * Asks one question on a fresh /ws connection, as a client would, and waits for the closing
 * frame: in text mode the seed's closing JSON frame, in events mode the `result` or `error`
 * event. Gives up after `timeoutMs` with a TIMEOUT answer.
 */
export async function askOverWs(
  wsUrl: string,
  question: string,
  mode: OracleMode,
  timeoutMs: number,
): Promise<WsAnswer> {
  const ws = new WebSocket(mode === 'events' ? `${wsUrl}?format=json` : wsUrl);
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return await new Promise<WsAnswer>((resolve) => {
      const timer = setTimeout(
        () =>
          resolve({
            ok: false,
            code: 'TIMEOUT',
            message: `no closing frame within ${timeoutMs} ms`,
          }),
        timeoutMs,
      );
      ws.on('message', (data) => {
        const answer = mode === 'events' ? fromEvent(data.toString()) : fromText(data.toString());
        if (answer === null) return;
        clearTimeout(timer);
        resolve(answer);
      });
      ws.send(JSON.stringify({ type: 'query', query: question }));
    });
  } finally {
    ws.close();
  }
}

/** The seed's closing frame; every other text frame is progress. */
function fromText(text: string): WsAnswer | null {
  if (!text.startsWith('{')) return null;
  const frame = JSON.parse(text) as {
    status?: string;
    sql?: string;
    result?: ResultRow[];
    message?: string;
    capped?: boolean;
  };
  if (frame.status === 'success') {
    return {
      ok: true,
      sql: frame.sql ?? '',
      columns: null,
      rows: frame.result ?? [],
      capped: frame.capped === true,
    };
  }
  if (frame.status === 'error') return { ok: false, code: undefined, message: frame.message ?? '' };
  return null;
}

function fromEvent(text: string): WsAnswer | null {
  const event = JSON.parse(text) as AskEvent;
  if (event.type === 'result') {
    return {
      ok: true,
      sql: event.sql,
      columns: event.columns,
      rows: event.rows,
      capped: event.capped,
    };
  }
  if (event.type === 'error') return { ok: false, code: event.code, message: event.message };
  if (event.type === 'reply')
    return { ok: false, code: undefined, message: 'answered without SQL' };
  return null;
}
