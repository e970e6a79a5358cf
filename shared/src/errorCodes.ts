/** Every error code that can cross a process boundary (frames, HTTP bodies, job results). */
export const ERROR_CODES = [
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'NOT_FOUND',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'LLM_NOT_CONFIGURED',
  'LLM_UNAVAILABLE',
  'NO_RELEVANT_DATA',
  'SQL_GENERATION_FAILED',
  'UNSAFE_SQL',
  'DRY_RUN_FAILED',
  'SQL_EXECUTION_FAILED',
  'DATASOURCE_NOT_FOUND',
  'DATASOURCE_UNAVAILABLE',
  /** A data-source URL that can never work: malformed, a missing file, Quarry's own database. */
  'INVALID_DATASOURCE_URL',
  /** Quarry's own database (APP_DATABASE_URL) cannot be reached right now. */
  'APP_DATABASE_UNAVAILABLE',
  /** REDIS_URL is set and the ask queue cannot take or run the question (Redis down, no worker). */
  'QUEUE_UNAVAILABLE',
  'STOPPED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];
