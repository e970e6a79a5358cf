import type {
  CalculatedFieldInput,
  MetricColumn,
  MetricInput,
  Relationship,
  RelationshipInput,
} from '@quarry/shared';
import { QuarryError } from '../errors.js';
import type {
  KnowledgeStore,
  SemanticDefinitions,
  SemanticKind,
  SemanticProblem,
} from '../knowledge/port.js';
import { schemaFingerprint } from '../knowledge/schemaFingerprint.js';
import type { KnowledgeSnapshot } from '../knowledge/snapshot.js';
import type { Logger } from '../logger.js';
import { dryRunSql } from '../pipeline/stages/dryRun.js';
import type { DataSource, QueryResult, TableInfo } from '../ports.js';
import type { AccessRules } from '../sql/guard.js';
import type { SemanticCatalog } from '../sql/semantics.js';
import { declaredRelationships, suggestRelationships } from './suggestions.js';
import {
  calculatedFieldSelect,
  checkCalculatedField,
  checkMetric,
  checkRelationship,
  metricBody,
  type Problem,
  type ValidationContext,
} from './validation.js';
import { semanticCatalog, withSemantics } from './view.js';

export interface SemanticLayerDeps {
  store: Pick<KnowledgeStore, 'semantics' | 'settings'>;
  /** The knowledge snapshot asks read: its revision and its definitions. */
  knowledge(): Promise<Pick<KnowledgeSnapshot, 'revision' | 'semantics'>>;
  dataSource(name: string): Promise<DataSource>;
  /** Every table of the data source (hidden ones too), from the schema cache. */
  tables(name: string): Promise<TableInfo[]>;
  /** The same, read from the database now (admin pages must see a change at once). */
  describe(name: string): Promise<TableInfo[]>;
  accessRules(name: string): Promise<AccessRules>;
  timeoutMs: number;
  logger: Logger;
}

/**
 * Where an ask's layer is read from: its knowledge snapshot and the hidden tables and columns
 * of that snapshot (`SemanticLayerDeps`' own, the current ones, when not given).
 */
export type SemanticScope = Pick<SemanticLayerDeps, 'knowledge' | 'accessRules'>;

const EMPTY: SemanticDefinitions = { relationships: [], calculatedFields: [], metrics: [] };

function withoutDefinition(
  definitions: SemanticDefinitions,
  kind: SemanticKind,
  id: number | undefined,
): SemanticDefinitions {
  if (id === undefined) return definitions;
  return {
    relationships: definitions.relationships.filter((r) => kind !== 'relationship' || r.id !== id),
    calculatedFields: definitions.calculatedFields.filter(
      (f) => kind !== 'calculated_field' || f.id !== id,
    ),
    metrics: definitions.metrics.filter((m) => kind !== 'metric' || m.id !== id),
  };
}

/** A validation's problem as stored: its English sentence and its reason. */
function verdict(problem: Problem | null | undefined): SemanticProblem | null {
  return problem ? { message: problem.message, reason: problem.reason } : null;
}

function refuse(problem: Problem): never {
  throw new QuarryError('BAD_REQUEST', problem.message, {
    context: {
      fields: { [problem.field]: problem.message },
      reason: problem.reason,
      fieldReasons: { [problem.field]: problem.reason },
    },
  });
}

/**
 * The semantic layer of every data source: its definitions checked against the schema as it
 * is now, the tables as the model sees them with it, and its expansion into SQL. When the
 * schema (or what is hidden) changes, every definition is validated again and one that no
 * longer runs is flagged with its problem and left out of asks until it is fixed; nothing is
 * silently broken. Saving validates first: SQL that does not parse, pass the guard and
 * dry-run on the data source is refused with a problem naming the field.
 */
export function createSemanticLayer(deps: SemanticLayerDeps) {
  const { store } = deps;
  const cache = new Map<
    string,
    { revision: number; tables: TableInfo[]; schema: string; definitions: SemanticDefinitions }
  >();
  const revalidating = new Map<string, Promise<void>>();

  async function context(name: string, tables: TableInfo[], definitions: SemanticDefinitions) {
    const [dataSource, rules] = await Promise.all([deps.dataSource(name), deps.accessRules(name)]);
    return {
      datasource: name,
      dataSource,
      tables,
      rules,
      definitions,
      timeoutMs: deps.timeoutMs,
    } satisfies ValidationContext;
  }

  async function problemOf(
    kind: SemanticKind,
    check: ValidationContext,
    definition: SemanticDefinitions[keyof SemanticDefinitions][number],
  ): Promise<SemanticProblem | null> {
    const own = {
      ...check,
      definitions: withoutDefinition(check.definitions, kind, definition.id ?? undefined),
    };
    if (kind === 'relationship')
      return verdict(await checkRelationship(own, definition as Relationship));
    if (kind === 'calculated_field')
      return verdict(await checkCalculatedField(own, definition as CalculatedFieldInput));
    const checked = await checkMetric(own, definition as MetricInput);
    return 'problem' in checked ? verdict(checked.problem) : null;
  }

  /** Validates every definition against `tables` and records the verdicts that changed. */
  async function revalidate(name: string, tables: TableInfo[], definitions: SemanticDefinitions) {
    const check = await context(name, tables, definitions);
    const groups: [SemanticKind, SemanticDefinitions[keyof SemanticDefinitions]][] = [
      ['relationship', definitions.relationships],
      ['calculated_field', definitions.calculatedFields],
      ['metric', definitions.metrics],
    ];
    for (const [kind, list] of groups) {
      for (const definition of list) {
        const problem = await problemOf(kind, check, definition);
        const same =
          (problem?.message ?? null) === definition.problem &&
          JSON.stringify(problem?.reason ?? null) === JSON.stringify(definition.problem_reason);
        if (!same && definition.id !== null) {
          deps.logger.info(
            { datasource: name, kind, id: definition.id, problem: problem?.message ?? null },
            'semantic layer revalidated',
          );
          await store.semantics.flag(kind, definition.id, problem);
        }
      }
    }
  }

  const settingKey = (name: string) => `semantics_schema:${name}`;

  /** Revalidates every definition against `tables`; one run per data source at a time. */
  function ensureValidated(
    name: string,
    tables: TableInfo[],
    current: SemanticDefinitions,
    schema: string,
  ): Promise<void> {
    let running = revalidating.get(name);
    if (running === undefined) {
      running = (async () => {
        const count =
          current.relationships.length + current.calculatedFields.length + current.metrics.length;
        if (count > 0) await revalidate(name, tables, current);
        await store.settings.set(settingKey(name), schema);
      })().finally(() => revalidating.delete(name));
      revalidating.set(name, running);
    }
    return running;
  }

  /**
   * The stored definitions. When their verdicts were reached on another schema (or other
   * hidden tables and columns), they are validated again: `wait` waits for it (admin pages);
   * otherwise it runs behind the ask, which gets the stored verdicts (hidden names are kept out
   * of its view anyway, and its SQL still meets the guard and the dry run).
   */
  async function load(name: string, tables: TableInfo[], wait: boolean, scope: SemanticScope) {
    const knowledge = await scope.knowledge();
    const { revision } = knowledge;
    const hit = cache.get(name);
    // The schema cache hands out the same array until it reads the database again, and what
    // is hidden only changes with the revision: a lookup in memory per ask on a hit.
    if (hit?.revision === revision && hit.tables === tables) return hit.definitions;
    const schema = schemaFingerprint(tables, await scope.accessRules(name));
    if (hit?.revision === revision && hit.schema === schema) {
      cache.set(name, { ...hit, tables });
      return hit.definitions;
    }
    // Admin pages (`wait`) read the store itself: they must see what was just saved.
    let definitions = wait ? await store.semantics.load(name) : knowledge.semantics(name);
    if ((await store.settings.get(settingKey(name))) !== schema) {
      const validated = ensureValidated(name, tables, definitions, schema);
      if (!wait) {
        validated.catch((error: unknown) =>
          deps.logger.warn({ err: error, datasource: name }, 'semantic layer revalidation failed'),
        );
        return definitions;
      }
      await validated;
      definitions = await store.semantics.load(name);
    }
    // Flags just recorded moved the revision: the next ask takes them from its snapshot.
    cache.set(name, { revision, tables, schema, definitions });
    return definitions;
  }

  /** The definitions; `fresh` reads the schema now and waits for any revalidation it needs. */
  async function definitions(
    name: string,
    options: { fresh?: boolean; scope?: SemanticScope } = {},
  ) {
    const tables = await (options.fresh ? deps.describe(name) : deps.tables(name));
    return load(name, tables, options.fresh ?? false, options.scope ?? deps);
  }

  /** For asks: on a failure the last good definitions (or none) rather than a failed ask. */
  async function forAsk(name: string, scope: SemanticScope): Promise<SemanticDefinitions> {
    try {
      return await definitions(name, { scope });
    } catch (error) {
      deps.logger.warn({ err: error, datasource: name }, 'semantic layer unavailable for this ask');
      return cache.get(name)?.definitions ?? EMPTY;
    }
  }

  /** The layer as `sql/` writes it out in an ask's SQL (see sql/semantics.ts). */
  async function catalogForAsk(
    name: string,
    scope: SemanticScope = deps,
  ): Promise<SemanticCatalog> {
    const [tables, current] = await Promise.all([deps.tables(name), forAsk(name, scope)]);
    return semanticCatalog(tables, current);
  }

  async function validationContext(name: string, kind: SemanticKind, id?: number) {
    const tables = await deps.describe(name);
    const current = await definitions(name, { fresh: true });
    return context(name, tables, withoutDefinition(current, kind, id));
  }

  return {
    definitions,

    /** The visible tables with the layer applied (calculated columns, relationships, metrics). */
    async view(
      name: string,
      visible: readonly TableInfo[],
      rules: AccessRules,
      scope: SemanticScope = deps,
    ): Promise<TableInfo[]> {
      return withSemantics(visible, await forAsk(name, scope), rules);
    },

    /**
     * Records that the stored verdicts hold for the schema as it is now, after every
     * definition was just validated on it (the demo's seeding), so no ask revalidates them.
     */
    async recordSchema(name: string): Promise<void> {
      const [tables, rules] = await Promise.all([deps.describe(name), deps.accessRules(name)]);
      await store.settings.set(settingKey(name), schemaFingerprint(tables, rules));
    },

    catalog: catalogForAsk,

    async checkRelationship(name: string, input: RelationshipInput, id?: number) {
      const problem = await checkRelationship(
        await validationContext(name, 'relationship', id),
        input,
      );
      if (problem) refuse(problem);
      return { ...input, problem: null };
    },

    async checkCalculatedField(name: string, input: CalculatedFieldInput, id?: number) {
      const check = await validationContext(name, 'calculated_field', id);
      const problem = await checkCalculatedField(check, input);
      if (problem) refuse(problem);
      return { ...input, problem: null };
    },

    async checkMetric(
      name: string,
      input: MetricInput,
      id?: number,
    ): Promise<MetricInput & { problem: null; columns: MetricColumn[] }> {
      const check = await validationContext(name, 'metric', id);
      const checked = await checkMetric(check, input);
      if ('problem' in checked) refuse(checked.problem);
      return {
        ...input,
        sql: metricBody(input.sql, check.dataSource.dialect),
        problem: null,
        columns: checked.columns,
      };
    },

    /** A calculated field beside its table's first rows, as it would be saved. */
    async previewCalculatedField(
      name: string,
      input: Pick<CalculatedFieldInput, 'table' | 'name' | 'expression'>,
    ): Promise<QueryResult> {
      const check = await validationContext(name, 'calculated_field');
      const problem = await checkCalculatedField(check, { ...input, description: '-' });
      if (problem) refuse(problem);
      const table = check.tables.find(
        (t) => t.name.toLowerCase() === input.table.toLowerCase(),
      ) as TableInfo;
      const sql = await dryRunSql({
        sql: calculatedFieldSelect(check, input, table),
        dataSource: check.dataSource,
        accessRules: check.rules,
      });
      return check.dataSource.execute(sql, { rowLimit: 20, timeoutMs: deps.timeoutMs });
    },

    /** A metric's first rows, as it would be saved. */
    async previewMetric(name: string, input: MetricInput): Promise<QueryResult> {
      const checked = await checkMetric(await validationContext(name, 'metric'), input);
      if ('problem' in checked) refuse(checked.problem);
      return checked.result;
    },

    /** Declared foreign keys (read-only) first, then the admin's relationships. */
    async relationships(name: string): Promise<Relationship[]> {
      const [tables, current] = await Promise.all([
        deps.describe(name),
        definitions(name, { fresh: true }),
      ]);
      return [...declaredRelationships(tables), ...current.relationships];
    },

    /** Relationships the names and types suggest, none of them declared or defined yet. */
    async suggestions(name: string): Promise<RelationshipInput[]> {
      const [tables, current] = await Promise.all([
        deps.describe(name),
        definitions(name, { fresh: true }),
      ]);
      return suggestRelationships(tables, [
        ...declaredRelationships(tables),
        ...current.relationships,
      ]);
    },
  };
}

export type SemanticLayer = ReturnType<typeof createSemanticLayer>;
