import type { ChatRequest, LlmClient, SqlDialect } from '../ports.js';

/**
 * What the stages and prompts share in talking to the model: the date and the dialect as
 * prompts name them, a streamed reply as it grows, and the JSON object out of a reply.
 */

/** Today as prompts state it (`2026-12-03`), so "this year" means the same to the model. */
export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

const DIALECT_NAMES: Record<SqlDialect, string> = {
  mysql: 'MySQL 8 / MariaDB',
  sqlite: 'SQLite 3',
  postgres: 'PostgreSQL',
};

/** SQL that failed, as diagnosis and correction show it to the model. */
export interface FailedSql {
  question: string;
  dialect: SqlDialect;
  ddl: string;
  sql: string;
  /** The database's or the guard's own words. */
  error: string;
}

/** The dialect as prompts name it. */
export const dialectName = (dialect: SqlDialect) => DIALECT_NAMES[dialect];

/**
 * Streams the model's reply, handing on each delta with the whole text so far (the pair a
 * `*_chunk` event carries), and returns the whole text.
 */
export async function streamText(
  llm: LlmClient,
  request: ChatRequest,
  onDelta: (delta: string, text: string) => void,
): Promise<string> {
  let text = '';
  for await (const delta of llm.stream(request)) {
    text += delta;
    onDelta(delta, text);
  }
  return text;
}

/** Models wrap JSON in fences or prose despite being asked not to; take the outermost object. */
export function parseJsonObject(raw: string): unknown {
  const start = raw.indexOf('{');
  const end = raw.lastIndexOf('}');
  if (start === -1 || end <= start) return undefined;
  try {
    return JSON.parse(raw.slice(start, end + 1));
  } catch {
    return undefined;
  }
}
