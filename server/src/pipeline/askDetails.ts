import type { AskDetails, AskEvent } from '@quarry/shared';
import type { Emit } from './types.js';

/**
 * Keeps what an ask was shown and tried, from its own events, for reviewing it later: the
 * retrieved tables, the reasoning, every SQL attempt with how it failed, and the dictionary
 * rewrites of the SQL that ran last. Returns the emit to hand to the stages.
 */
export function recordDetails(details: AskDetails, emit: Emit): Emit {
  return (event: AskEvent) => {
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
    emit(event);
  };
}
