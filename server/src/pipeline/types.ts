import type { AskEvent } from '@quarry/shared';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { DataSource, LlmClient, TableInfo } from '../ports.js';
import type { AccessRules } from '../sql/guard.js';
import type { SemanticCatalog } from '../sql/semantics.js';

export type { AskInput, AskOutcome } from '@quarry/shared';

export interface AbbreviationMaps {
  department: ReadonlyMap<string, string>;
  project: ReadonlyMap<string, string>;
  /** Per kind, abbreviation → the `table.column` names a scoped entry applies to. */
  columns?: Record<'department' | 'project', ReadonlyMap<string, readonly string[]>>;
}

/** A SQL pair (few-shot sample) as the pipeline sees it. */
export interface SqlSample {
  question: string;
  sql: string;
}

export interface ThreadTurn {
  question: string;
  rephrasedQuestion?: string | null;
  sql?: string | null;
}

/**
 * What the pipeline reads from the knowledge store. Narrow on purpose: stages depend on these
 * functions, the composition root wires them to the TypeORM store.
 */
export interface PipelineKnowledge {
  abbreviationDictionaries(): Promise<AbbreviationMaps>;
  /** SQL verified for this exact (normalized) question on this data source, if any. */
  findVerifiedSql(question: string, datasource: string): Promise<string | undefined>;
  /** Earlier turns of a thread, oldest first, without the current ask. */
  threadTurns(threadId: string, limit: number, excludeAskId: string): Promise<ThreadTurn[]>;
}

/** Retrieval over indexes built once per knowledge revision (server/src/retrieval). */
export interface PipelineRetrieval {
  /** SQL pairs of this data source only, most similar first. */
  sqlSamples(
    datasource: string,
    question: string,
    limit: number,
    signal?: AbortSignal,
  ): Promise<SqlSample[]>;
  instructions(question: string): Promise<string[]>;
  /** The tables a question needs, best first, with their join partners. */
  schema(
    datasource: string,
    question: string,
    maxTables: number,
    signal?: AbortSignal,
  ): Promise<TableInfo[]>;
}

/** Everything the stages may use. Built once per process by the composition root. */
export interface PipelineDeps {
  settings: Config['ask'];
  llm: LlmClient;
  retrieval: PipelineRetrieval;
  dataSource(name: string): Promise<DataSource>;
  /** The tables of a data source as the model may see them (hidden ones removed). */
  schema(name: string): Promise<TableInfo[]>;
  /** What the guard refuses in SQL for a data source: the tables and columns admins hid. */
  accessRules(name: string): Promise<AccessRules>;
  /**
   * The data source's semantic layer as `sql/` writes it out (calculated fields as
   * expressions, metrics as CTEs). Never fails an ask: without the layer, SQL is as is.
   */
  semanticCatalog(name: string): Promise<SemanticCatalog>;
  knowledge: PipelineKnowledge;
  logger: Logger;
  now(): Date;
  /**
   * The deps one ask runs on: every knowledge read of the ask (dictionaries, historical match,
   * retrieval, hidden tables, the semantic layer, data source URLs) comes from one snapshot,
   * taken at its first read, so an edit landing mid-ask never shows its stages two revisions.
   * Absent where knowledge cannot change during an ask (the evaluation harness).
   */
  forAsk?(): PipelineDeps;
}

export type Emit = (event: AskEvent) => void;
