import type { SchemaColumn, SchemaTable } from '../datasources/api';

export type ExampleLocale = 'en' | 'zh';

const NUMERIC_TYPE = /int|decimal|numeric|real|float|double|number|money/i;
const DATE_TYPE = /date|time/i;
const ID_NAME = /(^|_)(id|no|code|number)$/i;
const TEXT_TYPE = /char|text|string|enum/i;
/** Free text and names are no way to group rows. */
const NOT_A_CATEGORY = /(^|_)(name|description|note|comment|remark|title|order_no|email|phone)$/i;

/** How people call a table or column: the Chinese words its description starts with, or its name. */
function label(
  thing: { name: string; description?: string | null; comment?: string },
  locale: ExampleLocale,
): string {
  const words = (thing.description ?? thing.comment ?? '').trim();
  if (locale === 'zh') {
    const chinese = words.match(/^[\p{Script=Han}]{1,8}/u)?.[0];
    if (chinese) return chinese;
  }
  return thing.name.replace(/_/g, ' ');
}

function visible(columns: readonly SchemaColumn[]): SchemaColumn[] {
  return columns.filter((column) => !column.hidden);
}

/** Questions a table invites, from what its columns are: a trend, a ranking, a count. */
function questionsFor(table: SchemaTable, locale: ExampleLocale): string[] {
  const columns = visible(table.columns);
  const measure = columns.find(
    (c) => NUMERIC_TYPE.test(c.type) && !ID_NAME.test(c.name) && !c.primaryKey,
  );
  const date = columns.find((c) => DATE_TYPE.test(c.type) || /_(date|at)$/.test(c.name));
  const category = columns.find(
    (c) => TEXT_TYPE.test(c.type) && !NOT_A_CATEGORY.test(c.name) && !ID_NAME.test(c.name),
  );
  const t = label(table, locale);
  const questions: string[] = [];
  if (measure && date) {
    const m = label(measure, locale);
    questions.push(
      locale === 'zh'
        ? `${t}的${m}每月合计如何变化？`
        : `How did the total ${m} of ${t} change by month?`,
    );
  }
  if (measure && category) {
    const m = label(measure, locale);
    const c = label(category, locale);
    questions.push(
      locale === 'zh' ? `各${c}的${t}${m}合计是多少？` : `What is the total ${m} of ${t} by ${c}?`,
    );
  }
  questions.push(locale === 'zh' ? `${t}一共有多少？` : `How many ${t} are there?`);
  return questions;
}

/**
 * Up to `limit` questions to start with on a data source: the questions of its verified SQL
 * pairs first (they are known to work), then questions its tables invite, one per table in
 * turn so the list spans the data.
 */
export function exampleQuestions(input: {
  pairQuestions: readonly string[];
  tables: readonly SchemaTable[];
  locale: ExampleLocale;
  limit?: number;
}): string[] {
  const limit = input.limit ?? 4;
  const picked = new Set<string>(input.pairQuestions.slice(0, limit));
  const perTable = input.tables
    .filter((table) => !table.hidden)
    .map((table) => questionsFor(table, input.locale));
  for (let round = 0; picked.size < limit; round += 1) {
    const next = perTable.map((questions) => questions[round]).filter(Boolean) as string[];
    if (next.length === 0) break;
    for (const question of next) {
      if (picked.size >= limit) break;
      picked.add(question);
    }
  }
  return [...picked];
}
