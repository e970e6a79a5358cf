import type { AnswerState, AttemptNote } from './answerState.js';
import { messagesFor, stageLine } from './messages.js';
import { buildMonospaceTable, buildTableBlock, type TableBlock } from './table.js';
import { codeBlock, cut, escapeMrkdwn } from './text.js';

/** Action ids of the buttons on an answer; the listeners register under the same names. */
export const ACTION_IDS = {
  feedbackUp: 'quarry_feedback_up',
  feedbackDown: 'quarry_feedback_down',
  downloadCsv: 'quarry_download_csv',
} as const;

/** Slack caps a section's text at 3000 characters. */
const SECTION_MAX = 3000;
const SQL_MAX = 2900;

type TextObject =
  | { type: 'mrkdwn'; text: string }
  | { type: 'plain_text'; text: string; emoji?: boolean };

export type MessageBlock =
  | { type: 'section'; text: TextObject }
  | { type: 'context'; elements: TextObject[] }
  | { type: 'actions'; elements: ButtonElement[] }
  | TableBlock;

export interface ButtonElement {
  type: 'button';
  action_id: string;
  text: { type: 'plain_text'; text: string; emoji: boolean };
  value: string;
  style?: 'primary' | 'danger';
}

export interface RenderedAnswer {
  /** Notification and screen-reader text; Slack shows blocks when it can. */
  text: string;
  blocks: MessageBlock[];
  /** Result rows the message shows; fewer than the result has means a CSV must follow. */
  shownRows: number;
}

export interface RenderOptions {
  /** False once Slack refused the table block: the rows go in a monospace section instead. */
  tableBlock: boolean;
}

/**
 * The thread message for one question at any point of its life: the stage while it runs, the
 * SQL as it streams, each failure and rewrite as it happens, then the answer (rows, a reply
 * or a plain-language error) with feedback buttons. Pure: same state, same message.
 */
export function renderAnswer(state: AnswerState, options: RenderOptions): RenderedAnswer {
  const m = messagesFor(state.language);
  const blocks: MessageBlock[] = [];
  const outcome = state.outcome;
  let text: string;
  let shownRows = 0;
  const rewrites = state.attempts.filter((note) => note.kind === 'rewritten').length;

  if (outcome === null) {
    const stage = stageLine(state.language, state.status, state.step, rewrites + 1);
    text = state.connectFailures > 0 ? m.connectRetry(state.connectFailures) : stage;
    blocks.push(mrkdwnSection(`:hourglass_flowing_sand: *${escapeMrkdwn(text)}*`));
  } else if (outcome.kind === 'error') {
    const { sentence, tip } = m.explain(outcome.code, outcome.message, rewrites);
    text = `${sentence} ${tip}`;
    blocks.push(
      mrkdwnSection(cut(`:x: *${escapeMrkdwn(sentence)}*\n${escapeMrkdwn(tip)}`, SECTION_MAX)),
    );
  } else if (outcome.kind === 'reply') {
    text = outcome.text;
    blocks.push(mrkdwnSection(cut(escapeMrkdwn(outcome.text), SECTION_MAX)));
  } else {
    const { result } = outcome;
    text = result.rowCount === 0 ? m.noRows : m.rows(result.rowCount);
    blocks.push(mrkdwnSection(`:white_check_mark: *${escapeMrkdwn(text)}*`));
  }

  if (state.sql !== '') {
    const streaming = outcome === null && !state.sqlFinal;
    blocks.push(mrkdwnSection(codeBlock(streaming ? `${state.sql} ▌` : state.sql, SQL_MAX)));
  }
  if (state.attempts.length > 0) {
    const lines = state.attempts.map((note) => attemptLine(state, note));
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: cut(lines.join('\n'), SECTION_MAX) }],
    });
  }

  if (outcome?.kind === 'result' && outcome.result.rows.length > 0) {
    const { columns, rows, rowCount, capped } = outcome.result;
    const table = options.tableBlock
      ? buildTableBlock(columns, rows)
      : { value: null, shownRows: 0 };
    if (table.value !== null) {
      blocks.push(table.value);
      shownRows = table.shownRows;
    } else {
      const mono = buildMonospaceTable(columns, rows);
      blocks.push(mrkdwnSection(mono.value));
      shownRows = mono.shownRows;
    }
    const notes: string[] = [];
    if (shownRows < rows.length) notes.push(m.partial(shownRows, rowCount));
    if (capped) notes.push(m.capped(rowCount));
    if (notes.length > 0)
      blocks.push({
        type: 'context',
        elements: [{ type: 'mrkdwn', text: escapeMrkdwn(notes.join(' ')) }],
      });
  }

  if (outcome !== null && state.askId !== null && outcome.kind !== 'error') {
    const withRows = outcome.kind === 'result' && outcome.result.rows.length > 0;
    blocks.push({
      type: 'actions',
      elements: [
        button(ACTION_IDS.feedbackUp, m.buttonUp, state.askId),
        button(ACTION_IDS.feedbackDown, m.buttonDown, state.askId),
        ...(withRows ? [button(ACTION_IDS.downloadCsv, m.buttonCsv, state.askId)] : []),
      ],
    });
  }
  return { text: cut(text, 3000), blocks, shownRows };
}

function attemptLine(state: AnswerState, note: AttemptNote): string {
  const m = messagesFor(state.language);
  switch (note.kind) {
    case 'failed':
      return `:warning: ${escapeMrkdwn(cut(m.attemptFailed(note.attempt, note.phase, note.error), 600))}`;
    case 'rewritten':
      return `:pencil2: ${escapeMrkdwn(m.rewritten(note.attempt, note.produced))}`;
    case 'succeeded':
      return `:white_check_mark: ${escapeMrkdwn(m.rewriteSucceeded(note.attempt, note.rowCount))}`;
  }
}

function mrkdwnSection(text: string): MessageBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

function button(actionId: string, label: string, askId: string): ButtonElement {
  return {
    type: 'button',
    action_id: actionId,
    text: { type: 'plain_text', text: label, emoji: true },
    value: askId,
  };
}
