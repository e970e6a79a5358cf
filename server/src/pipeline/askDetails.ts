import type { AskDetails, AskEvent, AskOutcome } from '@quarry/shared';
import type { Emit } from './types.js';

/**
 * What an ask was shown and tried, read from its own events as they pass: `details` for
 * reviewing it later (the retrieved tables, the reasoning, every SQL attempt with how it
 * failed, the dictionary rewrites of the SQL that ran last), and the SQL last tried, which the
 * history keeps also when every rewrite failed. `emit` is the one to hand to the stages.
 */
export interface AskTrace {
  emit: Emit;
  details: AskDetails;
  /** The SQL of the last `sql` event and what it used of the semantic layer; `{}` before one. */
  lastTried(): Pick<AskOutcome, 'sql' | 'semanticsUsed'>;
}

export function traceAsk(emit: Emit): AskTrace {
  const details: AskDetails = { attempts: [], rewrites: [] };
  let lastTried: Pick<AskOutcome, 'sql' | 'semanticsUsed'> = {};
  const record = (event: AskEvent) => {
    switch (event.type) {
      case 'retrieved':
        details.retrieved_tables = event.tables;
        break;
      case 'reasoning_chunk':
        details.reasoning = event.reasoning;
        break;
      case 'sql':
        details.attempts = details.attempts.filter((attempt) => attempt.attempt !== event.attempt);
        details.attempts.push({ attempt: event.attempt, sql: event.sql });
        details.rewrites = event.rewrites ?? [];
        lastTried = {
          sql: event.sql,
          ...(event.semantics_used ? { semanticsUsed: event.semantics_used } : {}),
        };
        break;
      case 'execution_failed': {
        const attempt = details.attempts.find((entry) => entry.attempt === event.attempt);
        if (attempt)
          Object.assign(attempt, { phase: event.phase, code: event.code, error: event.error });
        else
          details.attempts.push({
            attempt: event.attempt,
            sql: event.sql,
            phase: event.phase,
            code: event.code,
            error: event.error,
          });
        break;
      }
      default:
        break;
    }
  };
  return {
    details,
    lastTried: () => lastTried,
    emit: (event) => {
      record(event);
      emit(event);
    },
  };
}
