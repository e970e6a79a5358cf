import type { ChatMessage, SqlDialect } from '../../ports.js';
import { dialectName } from '../modelText.js';
import type { SqlSample } from '../types.js';

export interface GenerationPromptInput {
  question: string;
  dialect: SqlDialect;
  ddl: string;
  today: string;
  samples?: readonly SqlSample[];
  instructions?: readonly string[];
  sqlFunctions?: string;
  reasoning?: string;
  /** Which parts of the semantic layer the schema shows; each brings its rules. */
  semantics?: { calculatedFields: boolean; metrics: boolean };
}

/** The SQL generation prompt: everything the model needs, nothing it must guess. */
export function generationPrompt(input: GenerationPromptInput): ChatMessage[] {
  const system = [
    `### TASK: SQL GENERATION`,
    `You are Quarry, a senior data analyst who writes ${dialectName(input.dialect)} SQL for a company database.`,
    'Rules:',
    '- Answer with exactly one read-only query (SELECT, or WITH ... SELECT) in a ```sql code block.',
    '- Use only the tables and columns in the schema below; qualify columns when joining.',
    '- When the user names a department or project by a code or abbreviation (for example RD), put it in the string literal exactly as the user wrote it: Quarry expands known abbreviations to full names itself.',
    '- Prefer readable column aliases in the language of the question.',
    '- Do not add a LIMIT unless the question asks for a number of rows.',
    "- If the schema cannot answer the question, say so in one sentence in the user's language and write no SQL.",
    `- Today is ${input.today}; resolve relative dates ("last month", "今年") from it.`,
  ];
  if (input.semantics?.calculatedFields) {
    system.push(
      '- Columns written `GENERATED ALWAYS AS (…)` with a "calculated field" comment are defined by the company: select, filter, group and sort by them by name like any column of their table (qualified with the table or its alias when joining). Never write their expression yourself: Quarry substitutes it.',
    );
  }
  if (input.semantics?.metrics) {
    system.push(
      "- Tables headed `-- METRIC` are the company's own definitions of a measure (they are not stored tables: Quarry computes them). When the question asks for that measure, read the metric by name like a table and filter, group or sort on its columns; do not recompute it from the underlying tables, and do not copy its SQL.",
    );
  }
  if (input.instructions?.length) {
    system.push(
      '',
      '### USER INSTRUCTIONS (follow them)',
      ...input.instructions.map((t) => `- ${t}`),
    );
  }
  if (input.sqlFunctions) {
    system.push(
      '',
      `### SQL FUNCTIONS AVAILABLE IN ${dialectName(input.dialect)}`,
      input.sqlFunctions,
    );
  }
  system.push('', '### DATABASE SCHEMA', input.ddl);
  if (input.samples?.length) {
    system.push(
      '',
      '### SQL SAMPLES (verified answers to similar questions; follow their style)',
      ...input.samples.map((s) => `Question: ${s.question}\nSQL: ${s.sql}`),
    );
  }
  const user = input.reasoning
    ? `Question: ${input.question}\n\nReasoning plan:\n${input.reasoning}`
    : `Question: ${input.question}`;
  return [
    { role: 'system', content: system.join('\n') },
    { role: 'user', content: user },
  ];
}
