import type { ChartKind, ResultRow } from '@quarry/shared';
import type { ChatMessage } from '../../ports.js';
import type { ColumnProfile } from '../answer/resultProfile.js';
import { LANGUAGE_RULE } from './language.js';

/** The line between the streamed answer and the JSON of the other parts. */
export const PARTS_MARKER = '<<<JSON>>>';

/** Results up to this many rows go into the prompt whole; larger ones as a sample. */
const WHOLE_ROWS = 40;
const HEAD_ROWS = 20;
const TAIL_ROWS = 5;
const CELL_CHARS = 60;

const CHART_HINTS: Record<ChartKind, string> = {
  line: '"line" (a change over time)',
  bar: '"bar" (compare categories)',
  grouped_bar: '"grouped_bar" (compare categories side by side)',
  stacked_bar: '"stacked_bar" (the parts add up to a total that matters)',
  pie: '"pie" (only when the rows are shares of one whole)',
  scatter: '"scatter" (how two measures relate)',
};

export interface AnswerPromptInput {
  question: string;
  sql: string;
  columns: readonly string[];
  rows: readonly ResultRow[];
  capped: boolean;
  profiles: readonly ColumnProfile[];
  /** Write the answer sentence (streamed first). */
  answer: boolean;
  followUps: boolean;
  /** Chart kinds the result fits, for the model to choose among; absent when decided. */
  chartChoices?: readonly ChartKind[];
}

/**
 * One prompt for every part after the rows: the answer as plain text first (so it streams),
 * then, after PARTS_MARKER, one JSON object with the chart choice and the follow-up questions.
 * Large results go in as a bounded sample plus statistics of every column.
 */
export function answerPrompt(input: AnswerPromptInput): ChatMessage[] {
  const fields: string[] = [];
  if (input.chartChoices) {
    fields.push(
      `"chart": the chart that shows this result best, one of ${input.chartChoices.map((kind) => CHART_HINTS[kind]).join(', ')}`,
    );
  }
  if (input.followUps) {
    fields.push(
      '"follow_ups": three short questions (under 15 words each) the user is likely to ask next about the same data, in the language of their question, each answerable from the same database',
    );
  }
  const json = `{${fields.join(', ')}}`;
  const system = [
    '### TASK: ANSWER FROM THE QUERY RESULT',
    "You are Quarry, a company's data analyst. The user's question was answered by the SQL below; its result follows.",
  ];
  if (input.answer) {
    system.push(
      'Write the answer for the user:',
      '- First the direct answer to the question in one sentence, then at most two notable facts, one short sentence each.',
      '- Cite only numbers that appear in the RESULT section (values, row counts and the column statistics given), rounded at most; never compute new ones (no percentages, differences or ratios that are not given).',
      '- Plain sentences, under 80 words: no SQL, no table, no markdown headings. Do not mention row limits or samples.',
      LANGUAGE_RULE,
    );
    if (fields.length > 0) {
      system.push(
        '',
        `After the answer, write a line with exactly ${PARTS_MARKER} and then one JSON object: ${json}`,
      );
    }
  } else {
    system.push(`Answer with one JSON object only: ${json}`, LANGUAGE_RULE);
  }
  system.push('', '### SQL', input.sql, '', '### RESULT', ...describeResult(input));
  return [
    { role: 'system', content: system.join('\n') },
    { role: 'user', content: input.question },
  ];
}

function number(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(4)));
}

function cell(value: unknown): string {
  const text = value === null || value === undefined ? 'NULL' : String(value);
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > CELL_CHARS ? `${flat.slice(0, CELL_CHARS - 1)}…` : flat;
}

function describeResult(input: AnswerPromptInput): string[] {
  const { rows, columns } = input;
  const lines = [
    input.capped
      ? `Rows: the first ${rows.length} (the query stopped at its row limit; there may be more)`
      : `Rows: ${rows.length}`,
    'Columns:',
    ...input.profiles.map((profile) => {
      if (profile.stats) {
        const { min, max, sum, avg } = profile.stats;
        return `- ${profile.name} (number; min ${number(min)}, max ${number(max)}, sum ${number(sum)}, average ${number(avg)})`;
      }
      const kind = profile.role === 'temporal' ? 'time' : 'text';
      return `- ${profile.name} (${kind}; ${profile.distinct} distinct values${profile.present < rows.length ? `, ${rows.length - profile.present} empty` : ''})`;
    }),
  ];
  if (rows.length === 0) return lines;
  const whole = rows.length <= WHOLE_ROWS;
  const shown = whole ? rows : [...rows.slice(0, HEAD_ROWS), ...rows.slice(-TAIL_ROWS)];
  lines.push(
    whole
      ? 'Rows:'
      : `Sample rows (the first ${HEAD_ROWS} and the last ${TAIL_ROWS} of ${rows.length}):`,
    columns.join(' | '),
    ...shown.map((row) => columns.map((column) => cell(row[column])).join(' | ')),
  );
  return lines;
}
