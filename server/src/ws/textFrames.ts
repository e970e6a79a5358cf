import type { AskEvent } from '@quarry/shared';
import { seedMessages } from '@quarry/shared';

/**
 * Renders one ask's events as the seed's text frames, byte for byte. Stateful per ask: the
 * closing error frame depends on whether an execution failure was already shown (then the
 * seed sends only the JSON frame after `重写后的SQL查询仍然失败: …`).
 */
export function createTextRenderer(): (event: AskEvent) => string[] {
  let failureShown = false;
  let replyStreamed = false;

  return (event) => {
    switch (event.type) {
      case 'status':
        return statusFrame(event.step);
      case 'sql_chunk':
        return event.delta === '' ? [] : [event.delta];
      case 'reply_chunk':
        replyStreamed = true;
        return event.delta === '' ? [] : [event.delta];
      case 'generated':
        return [seedMessages.generationDone];
      case 'sql':
        if (event.attempt !== 0) return [];
        // Verified SQL from history skips the model; text clients still get the seed's
        // generation frames, the SQL as its one "chunk", so their parsers need no new case.
        return event.from_history
          ? [
              seedMessages.generating,
              event.sql,
              seedMessages.generationDone,
              seedMessages.finalSql(event.sql),
            ]
          : [seedMessages.finalSql(event.sql)];
      case 'rewrite':
        return event.sql === null
          ? [seedMessages.rewriteRaw(event.raw)]
          : [seedMessages.rewriteRaw(event.raw), seedMessages.rewriteSql(event.sql)];
      case 'execution_failed':
        failureShown = true;
        return [
          event.attempt === 0
            ? seedMessages.failed(event.error)
            : seedMessages.rewriteFailed(event.error),
        ];
      case 'execution_succeeded':
        failureShown = false;
        return [
          event.attempt === 0
            ? seedMessages.succeeded(event.row_count)
            : seedMessages.rewriteSucceeded,
        ];
      case 'result':
        return [
          JSON.stringify({
            status: 'success',
            sql: event.sql,
            result: event.rows,
            // An added key only when rows were cut: the seed's keys stay as they are.
            ...(event.capped ? { capped: true } : {}),
          }),
        ];
      case 'reply':
        // A question that needs no SQL: the reply is the answer; the closing frame stays the
        // seed's success shape so text clients need no new case.
        return [
          ...(replyStreamed ? [] : [event.reply]),
          JSON.stringify({ status: 'success', sql: '', result: [], reply: event.reply }),
        ];
      case 'error':
        return [
          ...errorPreamble(event.code, event.message, failureShown),
          errorFrame(event.message),
        ];
      case 'understood':
      case 'retrieved':
      case 'reasoning_chunk':
      // Text mode asks for no parts after the rows; were one to arrive, the seed has no frame for it.
      case 'answer_chunk':
      case 'answer':
      case 'chart':
      case 'follow_ups':
        return [];
    }
  };
}

function statusFrame(step: Extract<AskEvent, { type: 'status' }>['step']): string[] {
  switch (step) {
    case 'received':
      return [seedMessages.received];
    case 'generating':
      return [seedMessages.generating];
    case 'executing':
      return [seedMessages.executing];
    case 'rewriting':
      return [seedMessages.rewriting];
    case 'executing_rewrite':
      return [seedMessages.executingRewrite];
    default:
      return [];
  }
}

function errorPreamble(
  code: Extract<AskEvent, { type: 'error' }>['code'],
  message: string,
  failureShown: boolean,
): string[] {
  if (code === 'SQL_GENERATION_FAILED') return [seedMessages.generationFailed];
  const executionFailure =
    code === 'SQL_EXECUTION_FAILED' || code === 'DRY_RUN_FAILED' || code === 'UNSAFE_SQL';
  if (executionFailure && failureShown) return [];
  return [seedMessages.exception(message)];
}

/** The seed's closing error frame; also sent for client frames that are not valid queries. */
export function errorFrame(message: string): string {
  return JSON.stringify({ status: 'error', message });
}
