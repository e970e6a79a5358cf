import type { SqlRewrite } from '@quarry/shared';
import type { KnowledgeStore } from '../knowledge/port.js';
import type { Logger } from '../logger.js';
import type { SemanticLayer } from '../semantics/service.js';
import type { KnowledgeChecks } from './routes/knowledge.js';

/**
 * What the admin API is built from, handed down by the composition root; the optional parts
 * are features a server may be started without (their routes answer 501).
 */
export interface AdminApiDeps {
  store: KnowledgeStore;
  /** SHA-256 (hex) of the admin token (see `ensureAdminToken`). */
  adminTokenDigest: string;
  /** Quarry's own database: refused as a data source (INVALID_DATASOURCE_URL). */
  appDatabaseUrl: string;
  logger: Logger;
  /** Runs read-only SQL with a small row cap (the guard and data source adapters live elsewhere). */
  previewSql?: (
    datasource: string,
    sql: string,
  ) => Promise<{ columns: string[]; rows: Record<string, unknown>[]; capped: boolean }>;
  /** Resolves when a connection to `url` works; rejects with the driver's message otherwise. */
  testConnection?: (url: string) => Promise<void>;
  describeDataSource?: (name: string) => Promise<unknown>;
  /** The dictionary rewrite applied to `sql`, as the pipeline would apply it. */
  expandSql?: (sql: string, datasource: string) => Promise<{ sql: string; rewrites: SqlRewrite[] }>;
  /** Validation, previews and suggestions of the per-data-source semantic layer. */
  semantics?: SemanticLayer;
  /** Checks what admins save (SQL pairs' SQL, dictionary full names). */
  checks?: KnowledgeChecks;
}
