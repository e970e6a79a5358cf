import { demoCalculatedFields, demoMetrics, demoRelationships } from '../demo/semantics.js';
import { isQuarryError } from '../errors.js';
import type { KnowledgeStore } from '../knowledge/port.js';
import type { Logger } from '../logger.js';
import type { SemanticLayer } from './service.js';

/** Whether the demo's semantic layer is in the app database: `seeded`, `removed`, or never. */
const DEMO_SEMANTICS = 'demo_semantics';
const DATASOURCE = 'default';

/**
 * The demo's relationships, calculated fields and metrics belong to the demo, like its
 * dictionaries: seeded once on the demo (validated on it like an admin's), removed while still
 * as seeded once DATABASE_URL points at a real database. A definition that fails to seed is
 * logged and skipped: the demo still answers without it.
 */
export async function syncDemoSemantics(
  store: KnowledgeStore,
  semantics: SemanticLayer,
  context: { onDemo: boolean; logger: Logger },
): Promise<void> {
  const state = await store.settings.get(DEMO_SEMANTICS);
  const layer = store.semantics;
  if (context.onDemo) {
    if (state === 'seeded') return;
    const seed = async (what: string, work: () => Promise<unknown>) => {
      try {
        await work();
      } catch (error) {
        if (isQuarryError(error, 'CONFLICT')) return;
        context.logger.warn({ err: error, what }, 'demo semantic layer: definition not seeded');
      }
    };
    for (const input of demoRelationships) {
      await seed('relationship', async () =>
        layer
          .relationships(DATASOURCE)
          .create(await semantics.checkRelationship(DATASOURCE, input)),
      );
    }
    for (const input of demoCalculatedFields) {
      await seed(input.name, async () =>
        layer
          .calculatedFields(DATASOURCE)
          .create(await semantics.checkCalculatedField(DATASOURCE, input)),
      );
    }
    for (const input of demoMetrics) {
      await seed(input.name, async () =>
        layer.metrics(DATASOURCE).create(await semantics.checkMetric(DATASOURCE, input)),
      );
    }
    // Everything was validated on the demo just now: no ask needs to check it again.
    await semantics.recordSchema(DATASOURCE);
    await store.settings.set(DEMO_SEMANTICS, 'seeded');
    return;
  }
  if (state !== 'seeded') return;
  const current = await layer.load(DATASOURCE);
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  for (const relation of current.relationships) {
    const seeded = demoRelationships.some((input) =>
      same(input, {
        from_table: relation.from_table,
        from_columns: relation.from_columns,
        to_table: relation.to_table,
        to_columns: relation.to_columns,
        kind: relation.kind,
      }),
    );
    if (seeded && relation.id !== null) await layer.relationships(DATASOURCE).delete(relation.id);
  }
  for (const field of current.calculatedFields) {
    if (
      demoCalculatedFields.some((input) =>
        same(input, {
          table: field.table,
          name: field.name,
          expression: field.expression,
          description: field.description,
        }),
      )
    )
      await layer.calculatedFields(DATASOURCE).delete(field.id);
  }
  for (const metric of current.metrics) {
    if (
      demoMetrics.some(
        (input) => input.name === metric.name && input.description === metric.description,
      )
    )
      await layer.metrics(DATASOURCE).delete(metric.id);
  }
  await store.settings.set(DEMO_SEMANTICS, 'removed');
}
