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

/**
 * Follow-up question buttons: `quarry_follow_up_0` … `_2` (ids must differ within a block);
 * the listener takes every id that matches. The button's value is the question.
 */
export const FOLLOW_UP_ACTION = /^quarry_follow_up_\d+$/;
const followUpActionId = (index: number) => `quarry_follow_up_${index}`;
/** Slack cuts a button's label at 75 characters. */
const BUTTON_LABEL_MAX = 75;

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
  | {
      type: 'image';
      slack_file: { id: string };
      alt_text: string;
      title?: { type: 'plain_text'; text: string };
    }
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
  /** False once Slack refused the chart's image block: the picture goes into the thread. */
  imageBlock?: boolean;
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
  if (state.askedBy !== null && /^[UW][A-Z0-9]+$/.test(state.askedBy)) {
    // A question asked by a button has no message of its own: the answer says what was asked.
    blocks.push(contextLine(m.askedBy(state.askedBy, escapeMrkdwn(cut(state.question, 300)))));
  }

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
    const rowsLine = result.rowCount === 0 ? m.noRows : m.rows(result.rowCount);
    if (state.answer !== '') {
      // The answer leads, and is what the notification says; the rows follow as evidence.
      text = state.answer;
      const streaming = !state.answerFinal ? ' ▌' : '';
      blocks.push(mrkdwnSection(cut(`${escapeMrkdwn(state.answer)}${streaming}`, SECTION_MAX)));
    } else {
      text = rowsLine;
      blocks.push(mrkdwnSection(`:white_check_mark: *${escapeMrkdwn(rowsLine)}*`));
    }
    if (state.pendingParts.length > 0 && state.answer === '') {
      blocks.push(contextLine(`:hourglass_flowing_sand: ${escapeMrkdwn(m.answering)}`));
    }
    // The chart under the answer it illustrates, above the rows it was drawn from.
    if (state.chartImage !== null && options.imageBlock !== false) {
      blocks.push({
        type: 'image',
        slack_file: { id: state.chartImage.fileId },
        alt_text: state.chartImage.altText,
      });
    }
  }

  // With an answer announced, the answer leads and the SQL goes below the rows it produced.
  const withResult = outcome?.kind === 'result' && state.announcedParts.includes('answer');
  const sqlBlock = () => {
    if (state.sql === '') return;
    const streaming = outcome === null && !state.sqlFinal;
    blocks.push(mrkdwnSection(codeBlock(streaming ? `${state.sql} ▌` : state.sql, SQL_MAX)));
    if (state.rewrites.length > 0) {
      // One short line: which abbreviations became which names.
      const pairs = state.rewrites.map((rewrite) => `${rewrite.before} → ${rewrite.after}`);
      blocks.push(contextLine(cut(escapeMrkdwn(m.rewrites(pairs.join(', '))), 300)));
    }
  };
  if (!withResult) sqlBlock();
  if (state.attempts.length > 0 && !withResult) {
    const lines = state.attempts.map((note) => attemptLine(state, note));
    blocks.push(contextLine(cut(lines.join('\n'), SECTION_MAX)));
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
    // With an answer on top, the row count moves down to the table it describes.
    if (state.answer !== '') notes.push(m.rows(rowCount));
    if (shownRows < rows.length) notes.push(m.partial(shownRows, rowCount));
    if (capped) notes.push(m.capped(rowCount));
    if (notes.length > 0) blocks.push(contextLine(escapeMrkdwn(notes.join(' '))));
  }
  if (withResult) {
    sqlBlock();
    if (state.attempts.length > 0) {
      const lines = state.attempts.map((note) => attemptLine(state, note));
      blocks.push(contextLine(cut(lines.join('\n'), SECTION_MAX)));
    }
  }

  const complete = outcome !== null && state.pendingParts.length === 0;
  if (complete && state.askId !== null && outcome.kind !== 'error') {
    const rows = outcome.kind === 'result' ? outcome.result.rows.length : 0;
    // Rows the table could not show go up as a CSV by themselves: no button for that.
    const offerCsv = rows > 0 && shownRows >= rows;
    blocks.push({
      type: 'actions',
      elements: [
        button(ACTION_IDS.feedbackUp, m.buttonUp, state.askId),
        button(ACTION_IDS.feedbackDown, m.buttonDown, state.askId),
        ...(offerCsv ? [button(ACTION_IDS.downloadCsv, m.buttonCsv, state.askId)] : []),
      ],
    });
  }
  if (complete && outcome.kind === 'result' && state.followUps.length > 0) {
    blocks.push(contextLine(escapeMrkdwn(m.askNext)));
    blocks.push({
      type: 'actions',
      elements: state.followUps.map((question, index) =>
        button(followUpActionId(index), cut(question, BUTTON_LABEL_MAX), question),
      ),
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

function contextLine(text: string): MessageBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text }] };
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
