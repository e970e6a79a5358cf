// @vitest-environment jsdom
import type { AskFrame } from '@quarry/shared';
import { act, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { applyFrame, isOver, startRun } from '../../../../admin/src/features/playground/askRun.js';
import { exampleQuestions } from '../../../../admin/src/features/playground/exampleQuestions.js';
import { PlaygroundPage } from '../../../../admin/src/features/playground/PlaygroundPage.js';
import type { SocketLike } from '../../../../admin/src/features/playground/useAskSocket.js';
import { fakeApi, page, renderConsole } from '../../support/harness.js';

/** A `/ws` connection the test drives. */
class ScriptedSocket implements SocketLike {
  static all: ScriptedSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  closed = false;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  constructor(readonly url: string) {
    ScriptedSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.closed = true;
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    act(() => this.onopen?.(new Event('open')));
  }
  deliver(...frames: AskFrame[]) {
    for (const frame of frames) {
      act(() => this.onmessage?.(new MessageEvent('message', { data: JSON.stringify(frame) })));
    }
  }
}

const ask_id = 'ask-7';
const SQL = 'SELECT region, SUM(amount) AS sales FROM sales GROUP BY region';
const RESULT: AskFrame = {
  type: 'result',
  sql: SQL,
  columns: ['region', 'sales'],
  rows: [
    { region: '华东', sales: 1234567.5 },
    { region: '华北', sales: 987654 },
  ],
  row_count: 2,
  capped: false,
  parts: ['answer', 'follow_ups'],
  ask_id,
};

describe('the playground after the rows', () => {
  it('stays running until every announced part is in (unit)', () => {
    let run = applyFrame(startRun('q', ''), RESULT);
    expect(run.phase).toBe('running');
    run = applyFrame(run, { type: 'answer_chunk', delta: '华东', answer: '华东', ask_id });
    run = applyFrame(run, {
      type: 'answer',
      answer: '华东最高。',
      unverified_numbers: ['42%'],
      ask_id,
    });
    expect(isOver(run)).toBe(false);
    run = applyFrame(run, { type: 'follow_ups', questions: ['华北呢？'], ask_id });
    expect(run).toMatchObject({
      phase: 'finished',
      answer: '华东最高。',
      unverifiedNumbers: ['42%'],
      followUps: ['华北呢？'],
      pendingParts: [],
    });
  });

  it('streams the answer, keeps the socket until the follow-ups, and runs a chip', async () => {
    ScriptedSocket.all = [];
    const api = fakeApi({ 'GET /api/datasources': { body: page([]) } });
    renderConsole(<PlaygroundPage createSocket={(url) => new ScriptedSocket(url)} />, {
      fetch: api.fetch,
    });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Question'), 'Sales by region?');
    await user.keyboard('{Enter}');
    const socket = ScriptedSocket.all[0] as ScriptedSocket;
    socket.open();
    socket.deliver(RESULT, {
      type: 'answer_chunk',
      delta: 'East leads',
      answer: 'East leads',
      ask_id,
    });
    expect(screen.getByTestId('answer').textContent).toContain('East leads');
    // Closing now would stop the ask on the server before its answer is written.
    expect(socket.closed).toBe(false);
    expect(screen.getByRole('button', { name: 'Stop' })).toBeTruthy();
    // Measures read with separators in the table.
    const rows = screen.getByRole('region', { name: 'Result rows' });
    expect(within(rows).getByRole('cell', { name: '1,234,567.5' })).toBeTruthy();

    socket.deliver(
      { type: 'answer', answer: 'East leads with 1,234,567.5.', ask_id },
      { type: 'follow_ups', questions: ['Which city leads in the east?'], ask_id },
    );
    expect(screen.getByTestId('answer').textContent).toBe('East leads with 1,234,567.5.');
    expect(socket.closed).toBe(true);
    await user.click(screen.getByRole('button', { name: 'Which city leads in the east?' }));
    const next = ScriptedSocket.all[1] as ScriptedSocket;
    next.open();
    expect(JSON.parse(next.sent[0] ?? '{}')).toMatchObject({
      type: 'query',
      query: 'Which city leads in the east?',
    });
    expect((screen.getByLabelText('Question') as HTMLTextAreaElement).value).toBe(
      'Which city leads in the east?',
    );
  });

  it('suggests questions from SQL pairs first, then from what the tables hold', () => {
    const tables = [
      {
        name: 'sales',
        description: '销售 sales orders',
        columns: [
          { name: 'id', type: 'INTEGER', primaryKey: true },
          { name: 'region', type: 'VARCHAR(10)', description: '大区 region' },
          { name: 'amount', type: 'DECIMAL(12,2)', description: '金额 amount' },
          { name: 'sale_date', type: 'DATE' },
        ],
      },
      { name: 'secrets', hidden: true, columns: [{ name: 'x', type: 'TEXT' }] },
    ];
    expect(exampleQuestions({ pairQuestions: ['每个部门多少人？'], tables, locale: 'zh' })).toEqual(
      [
        '每个部门多少人？',
        '销售的金额每月合计如何变化？',
        '各大区的销售金额合计是多少？',
        '销售一共有多少？',
      ],
    );
    expect(exampleQuestions({ pairQuestions: [], tables, locale: 'en', limit: 2 })).toEqual([
      'How did the total amount of sales change by month?',
      'What is the total amount of sales by region?',
    ]);
  });
});
