import type { TableInfo } from '../../ports.js';
import type { PipelineDeps } from '../types.js';

/** Tables a question needs, best first, with the join partners that connect them. */
export async function retrieveSchema(
  deps: PipelineDeps,
  input: { datasource: string; question: string; signal: AbortSignal },
): Promise<TableInfo[]> {
  const tables = await deps.retrieval.schema(
    input.datasource,
    input.question,
    deps.settings.maxTables,
    input.signal,
  );
  if (tables.length > 0) return tables;
  // Nothing matched lexically (a vague question): a small schema is still worth showing whole.
  const all = await deps.schema(input.datasource);
  return all.length <= deps.settings.maxTables ? all : [];
}
