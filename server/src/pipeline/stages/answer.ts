import type { AnswerPart, AskChart } from '@quarry/shared';
import { z } from 'zod';
import { isQuarryError } from '../../errors.js';
import type { QueryResult } from '../../ports.js';
import { buildChartSpec, type ChartPlan, planChart } from '../answer/chart.js';
import { citableNumbers, dropUncitedNumbers } from '../answer/numbers.js';
import { type ColumnProfile, profileColumns } from '../answer/resultProfile.js';
import { parseJsonObject } from '../modelText.js';
import { answerPrompt, PARTS_MARKER } from '../prompts/answer.js';
import type { Emit, PipelineDeps } from '../types.js';

/** What follows an ask's rows, decided before the result event announces it. */
export interface AnswerPlan {
  /** The part events that will follow, in order. */
  parts: AnswerPart[];
  profiles: ColumnProfile[];
  chart: ChartPlan;
}

/** What the parts came to, for the ask's outcome. */
export interface AnswerParts {
  answer?: string;
  chart?: AskChart;
  followUps?: string[];
}

const FOLLOW_UP_CHARS = 200;
const partsAnswer = z.object({
  chart: z.string().optional().catch(undefined),
  follow_ups: z.array(z.unknown()).optional().catch(undefined),
});

/**
 * The parts a result gets: those switched on (ASK_ANSWER, ASK_CHART, ASK_FOLLOW_UPS) that the
 * client can show, and a chart only when the result has a shape one fits.
 */
export function planAnswerParts(
  deps: PipelineDeps,
  requested: readonly AnswerPart[] | undefined,
  result: QueryResult,
): AnswerPlan {
  const wanted = (part: AnswerPart) => requested === undefined || requested.includes(part);
  const profiles = profileColumns(result.columns, result.rows);
  const chart = planChart(profiles, result.rows.length);
  const parts: AnswerPart[] = [];
  if (deps.settings.answer && wanted('answer')) parts.push('answer');
  if (deps.settings.chart && wanted('chart') && chart.kinds.length > 0) parts.push('chart');
  if (deps.settings.followUps && wanted('follow_ups')) parts.push('follow_ups');
  return { parts, profiles, chart };
}

/**
 * Makes the planned parts with at most one model call (none when only a chart is planned: the
 * rules pick it), and emits them in order: `answer_chunk`s and `answer`, `chart`, `follow_ups`.
 * A failed model call costs the answer and the follow-ups, never the ask: the rows are out.
 */
export async function answerFromResult(
  deps: PipelineDeps,
  input: {
    plan: AnswerPlan;
    question: string;
    sql: string;
    result: QueryResult;
    emit: Emit;
    signal: AbortSignal;
  },
): Promise<AnswerParts> {
  const { plan, result } = input;
  const wantAnswer = plan.parts.includes('answer');
  const wantFollowUps = plan.parts.includes('follow_ups');
  const chartKinds = plan.parts.includes('chart') ? plan.chart.kinds : [];
  const askChart = chartKinds.length > 1 && 'decided' in plan.chart && !plan.chart.decided;
  const made: AnswerParts = {};
  let text = '';
  let parsed: z.infer<typeof partsAnswer> = {};
  let failure: string | undefined;

  if (wantAnswer || wantFollowUps) {
    const messages = answerPrompt({
      question: input.question,
      sql: input.sql,
      columns: result.columns,
      rows: result.rows,
      capped: result.capped,
      profiles: plan.profiles,
      answer: wantAnswer,
      followUps: wantFollowUps,
      ...(askChart ? { chartChoices: chartKinds } : {}),
    });
    try {
      const raw = wantAnswer
        ? await streamAnswer(deps, messages, input.emit, input.signal)
        : await deps.llm.complete({ messages, json: true, signal: input.signal });
      const split = splitParts(raw, wantAnswer);
      text = split.answer;
      parsed = partsAnswer.safeParse(parseJsonObject(split.json)).data ?? {};
    } catch (error) {
      if (input.signal.aborted || isQuarryError(error, 'STOPPED')) throw error;
      failure = error instanceof Error ? error.message : String(error);
      deps.logger.warn({ err: error }, 'answer: the model call failed; the rows stand alone');
    }
  }

  if (wantAnswer) {
    const checked = dropUncitedNumbers(
      text,
      citableNumbers({
        rows: result.rows,
        profiles: plan.profiles,
        question: input.question,
        sql: input.sql,
      }),
    );
    const language = /\p{Script=Han}/u.test(input.question) ? 'zh' : 'en';
    let answer = checked.answer;
    if (answer === '' && text.trim() !== '') answer = plainAnswer(result, plan.profiles, language);
    if (answer !== '' && result.capped)
      answer = `${answer} ${capNote(result.rows.length, language)}`;
    made.answer = answer;
    input.emit({
      type: 'answer',
      answer,
      ...(checked.unverified.length > 0 ? { unverified_numbers: checked.unverified } : {}),
      ...(failure !== undefined ? { error: `The answer could not be written: ${failure}` } : {}),
    });
  }
  const [firstKind] = chartKinds;
  if (firstKind) {
    const chosen = chartKinds.find((kind) => kind === parsed.chart);
    const kind = askChart && chosen ? chosen : firstKind;
    made.chart = {
      kind,
      spec: buildChartSpec(kind, plan.profiles, result.rows, input.question),
      chosen_by: askChart && chosen ? 'model' : 'rules',
    };
    input.emit({ type: 'chart', ...made.chart });
  }
  if (wantFollowUps) {
    made.followUps = followUpQuestions(parsed.follow_ups ?? [], input.question);
    input.emit({ type: 'follow_ups', questions: made.followUps });
  }
  return made;
}

/** Streams the answer text as `answer_chunk`s, holding back what may be the marker's start. */
async function streamAnswer(
  deps: PipelineDeps,
  messages: ReturnType<typeof answerPrompt>,
  emit: Emit,
  signal: AbortSignal,
): Promise<string> {
  let raw = '';
  let shown = '';
  for await (const delta of deps.llm.stream({ messages, temperature: 0.2, signal })) {
    raw += delta;
    const marker = raw.indexOf(PARTS_MARKER);
    let visible = marker === -1 ? raw : raw.slice(0, marker);
    if (marker === -1) {
      for (let keep = Math.min(PARTS_MARKER.length - 1, visible.length); keep > 0; keep -= 1) {
        if (PARTS_MARKER.startsWith(visible.slice(-keep))) {
          visible = visible.slice(0, -keep);
          break;
        }
      }
    }
    if (visible.length > shown.length) {
      emit({ type: 'answer_chunk', delta: visible.slice(shown.length), answer: visible });
      shown = visible;
    }
  }
  return raw;
}

/** The answer text and the JSON after it; a model that forgot the marker may still end in JSON. */
function splitParts(raw: string, withAnswer: boolean): { answer: string; json: string } {
  if (!withAnswer) return { answer: '', json: raw };
  const marker = raw.indexOf(PARTS_MARKER);
  if (marker !== -1) {
    return { answer: raw.slice(0, marker).trim(), json: raw.slice(marker + PARTS_MARKER.length) };
  }
  const trailing = raw.match(/\{[\s\S]*\}\s*$/);
  if (trailing && parseJsonObject(trailing[0]) !== undefined) {
    return { answer: raw.slice(0, trailing.index).trim(), json: trailing[0] };
  }
  return { answer: raw.trim(), json: '' };
}

function followUpQuestions(raw: readonly unknown[], question: string): string[] {
  const seen = new Set([question.trim().toLowerCase()]);
  const questions: string[] = [];
  for (const item of raw) {
    if (typeof item !== 'string') continue;
    const text = item.replace(/\s+/g, ' ').trim().slice(0, FOLLOW_UP_CHARS);
    if (text === '' || seen.has(text.toLowerCase())) continue;
    seen.add(text.toLowerCase());
    questions.push(text);
    if (questions.length === 3) break;
  }
  return questions;
}

/** When every sentence the model wrote cited an invented number: what the rows say for sure. */
function plainAnswer(
  result: QueryResult,
  profiles: readonly ColumnProfile[],
  language: 'zh' | 'en',
): string {
  const [only] = profiles;
  if (result.rows.length === 1 && profiles.length === 1 && only) {
    const value = String(result.rows[0]?.[only.name] ?? 'NULL');
    return language === 'zh' ? `${only.name}：${value}。` : `${only.name}: ${value}.`;
  }
  const count = result.rows.length;
  return language === 'zh'
    ? `查询返回 ${count} 行。`
    : `The query returned ${count} ${count === 1 ? 'row' : 'rows'}.`;
}

function capNote(rows: number, language: 'zh' | 'en'): string {
  return language === 'zh'
    ? `（以上基于前 ${rows} 行结果，实际可能更多。）`
    : `(This is based on the first ${rows.toLocaleString('en-US')} rows; there may be more.)`;
}
