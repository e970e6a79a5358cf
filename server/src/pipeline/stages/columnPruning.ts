import { questionLanguage, stepEvent } from '@quarry/shared';
import { countTokens } from 'gpt-tokenizer';
import { z } from 'zod';
import type { SqlDialect, TableInfo } from '../../ports.js';
import { parseJsonObject } from '../modelText.js';
import { columnPruningPrompt } from '../prompts/columnPruning.js';
import { renderDdl } from '../schemaText.js';
import type { Emit, PipelineDeps } from '../types.js';

const selection = z.object({ tables: z.record(z.string(), z.array(z.string())) });

/** Asks over the same tables render the same DDL: count its tokens once. */
const tokenCounts = new Map<string, number>();
const TOKEN_COUNT_CACHE = 256;

function ddlTokens(ddl: string, budget: number): number {
  // A token is at least one character, so a short DDL is under budget without counting.
  if (ddl.length <= budget) return ddl.length;
  let tokens = tokenCounts.get(ddl);
  if (tokens === undefined) {
    tokens = countTokens(ddl);
    if (tokenCounts.size >= TOKEN_COUNT_CACHE) tokenCounts.clear();
    tokenCounts.set(ddl, tokens);
  }
  return tokens;
}

/**
 * When the retrieved schema is over the token budget, the model picks the columns the
 * question needs and the prompt carries a pruned DDL. Keys stay so joins still work; a
 * selection the model garbles leaves the schema whole.
 */
export async function pruneColumns(
  deps: PipelineDeps,
  input: {
    question: string;
    tables: TableInfo[];
    dialect: SqlDialect;
    emit: Emit;
    signal: AbortSignal;
  },
): Promise<{ tables: TableInfo[]; ddl: string; pruned: boolean; tokens: number }> {
  const ddl = renderDdl(input.tables, input.dialect);
  const tokens = ddlTokens(ddl, deps.settings.schemaTokenBudget);
  if (tokens <= deps.settings.schemaTokenBudget)
    return { tables: input.tables, ddl, pruned: false, tokens };

  input.emit(stepEvent('pruning_columns', questionLanguage(input.question)));
  const raw = await deps.llm.complete({
    messages: columnPruningPrompt({ question: input.question, ddl }),
    json: true,
    signal: input.signal,
  });
  const parsed = selection.safeParse(parseJsonObject(raw));
  if (!parsed.success) {
    deps.logger.warn({ raw }, 'column pruning: unreadable selection, keeping the whole schema');
    return { tables: input.tables, ddl, pruned: false, tokens };
  }
  const wanted = new Map(
    Object.entries(parsed.data.tables).map(([table, columns]) => [
      table.toLowerCase(),
      new Set(columns.map((column) => column.toLowerCase())),
    ]),
  );
  const tables = input.tables.flatMap((table) => {
    const columns = wanted.get(table.name.toLowerCase());
    if (!columns) return [];
    const keys = new Set(
      [
        ...table.foreignKeys.map((key) => key.column),
        ...(table.relationships ?? []).flatMap((relation) => relation.columns),
      ].map((column) => column.toLowerCase()),
    );
    const kept = table.columns.filter(
      (column) =>
        column.primaryKey ||
        keys.has(column.name.toLowerCase()) ||
        columns.has(column.name.toLowerCase()),
    );
    return [{ ...table, columns: kept }];
  });
  if (tables.length === 0) return { tables: input.tables, ddl, pruned: false, tokens };
  const prunedDdl = renderDdl(tables, input.dialect);
  return { tables, ddl: prunedDdl, pruned: true, tokens: countTokens(prunedDdl) };
}
