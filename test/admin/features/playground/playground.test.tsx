// @vitest-environment jsdom
import type { AskFrame } from '@quarry/shared';
import { act, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { applyFrame, startRun } from '../../../../admin/src/features/playground/askRun.js';
import { PlaygroundPage } from '../../../../admin/src/features/playground/PlaygroundPage.js';
import type { SocketLike } from '../../../../admin/src/features/playground/useAskSocket.js';
import { ADMIN_TOKEN } from '../../../support/adminToken.js';
import { fakeApi, page, renderConsole } from '../../support/harness.js';

/** A `/ws` connection the test drives: it records what the page sends and delivers frames. */
class ScriptedSocket implements SocketLike {
  static last: ScriptedSocket | undefined;
  readyState = 0;
  sent: string[] = [];
  closed = false;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  constructor(readonly url: string) {
    ScriptedSocket.last = this;
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
  drop() {
    this.readyState = 3;
    act(() => this.onclose?.(new CloseEvent('close', { code: 1006 })));
  }
}

const ask_id = 'ask-1';
const SQL =
  "SELECT COUNT(*) AS n FROM employees e JOIN departments d ON e.department_id = d.id WHERE d.name = '研发中心'";

const api = () => fakeApi({ 'GET /api/datasources': { body: page([]) } });

describe('playground', () => {
  it('folds frames into one run (unit)', () => {
    let run = startRun('q', '');
    run = applyFrame(run, { type: 'sql_chunk', delta: 'SEL', sql: 'SEL', ask_id });
    expect(run.streamingSql).toBe('SEL');
    run = applyFrame(run, { type: 'sql', sql: 'SELECT nme', attempt: 0, ask_id });
    run = applyFrame(run, {
      type: 'execution_failed',
      phase: 'dry_run',
      sql: 'SELECT nme',
      code: 'DRY_RUN_FAILED',
      error: 'no such column: nme',
      attempt: 0,
      ask_id,
    });
    run = applyFrame(run, {
      type: 'rewrite',
      raw: '```sql\nSELECT name\n```',
      sql: 'SELECT name',
      attempt: 1,
      ask_id,
    });
    run = applyFrame(run, { type: 'execution_succeeded', row_count: 3, attempt: 1, ask_id });
    expect(run.attempts).toEqual([
      {
        attempt: 0,
        sql: 'SELECT nme',
        fromHistory: false,
        failure: { phase: 'dry_run', code: 'DRY_RUN_FAILED', error: 'no such column: nme' },
      },
      {
        attempt: 1,
        sql: 'SELECT name',
        fromHistory: false,
        rewriteRaw: '```sql\nSELECT name\n```',
        rowCount: 3,
      },
    ]);
    expect(run.phase).toBe('running');
    run = applyFrame(run, { type: 'error', code: 'STOPPED', message: 'stopped', ask_id });
    expect(run.phase).toBe('stopped');
  });

  it('streams stages, SQL and rows as the frames arrive, and renders the question as text', async () => {
    renderConsole(<PlaygroundPage createSocket={(url) => new ScriptedSocket(url)} />, {
      fetch: api().fetch,
    });
    const user = userEvent.setup();
    const question = '<script>window.hacked=1</script> RD headcount?';
    await user.type(screen.getByLabelText('Question'), question);
    await user.keyboard('{Enter}');

    const socket = ScriptedSocket.last as ScriptedSocket;
    // The admin token rides along as ?token=: the server accepts it where API_TOKENS guard /ws.
    expect(socket.url).toBe(`ws://localhost:3000/ws?format=json&token=${ADMIN_TOKEN}`);
    socket.open();
    expect(JSON.parse(socket.sent[0] ?? '')).toEqual({
      type: 'query',
      source: 'console',
      query: question,
    });

    socket.deliver(
      {
        type: 'status',
        status: 'understanding',
        step: 'received',
        message: '正在处理查询请求...',
        ask_id,
      },
      {
        type: 'status',
        status: 'generating',
        step: 'generating',
        message: '正在调用text2sql模型生成SQL语句...',
        ask_id,
      },
      { type: 'sql_chunk', delta: 'SELECT COUNT(*)', sql: 'SELECT COUNT(*)', ask_id },
    );
    const stages = screen.getByTestId('stages');
    expect(
      within(stages)
        .getByText('正在调用text2sql模型生成SQL语句...')
        .closest('li')
        ?.getAttribute('aria-current'),
    ).toBe('step');
    expect(screen.getByTestId('streaming-sql').textContent).toBe('SELECT COUNT(*)');
    expect(screen.getByRole('button', { name: 'Stop' })).toBeTruthy();

    socket.deliver(
      { type: 'sql', sql: SQL, attempt: 0, ask_id },
      {
        type: 'status',
        status: 'executing',
        step: 'executing',
        message: '正在执行SQL查询...',
        ask_id,
      },
      { type: 'execution_succeeded', row_count: 1, attempt: 0, ask_id },
      {
        type: 'result',
        sql: SQL,
        columns: ['n'],
        rows: [{ n: 57 }],
        row_count: 1,
        capped: false,
        ask_id,
      },
    );
    expect((await screen.findByTestId('final-sql')).dataset.sql).toBe(SQL);
    const rows = screen.getByRole('region', { name: 'Result rows' });
    expect(within(rows).getByRole('cell', { name: '57' })).toBeTruthy();
    expect(socket.closed).toBe(true);
    expect(screen.getByRole('link', { name: 'Open in history' }).getAttribute('href')).toBe(
      '/asks/ask-1',
    );
    expect(screen.getByRole('button', { name: 'Ask' })).toBeTruthy();

    // What an admin typed stays text: no element was made from it.
    expect(document.querySelector('script')).toBeNull();
    expect((window as { hacked?: number }).hacked).toBeUndefined();
  });

  it('shows the error frame, and says so when /ws cannot be reached', async () => {
    renderConsole(<PlaygroundPage createSocket={(url) => new ScriptedSocket(url)} />, {
      fetch: api().fetch,
    });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Question'), 'Anything');
    await user.click(screen.getByRole('button', { name: 'Ask' }));
    ScriptedSocket.last?.open();
    ScriptedSocket.last?.deliver({
      type: 'error',
      code: 'NO_RELEVANT_DATA',
      message: 'No table of data source default seems related to this question.',
      ask_id,
    });
    expect((await screen.findByRole('alert')).textContent).toContain(
      'No table of data source default',
    );

    await user.click(screen.getByRole('button', { name: 'Ask' }));
    ScriptedSocket.last?.drop();
    expect((await screen.findByRole('alert')).textContent).toContain(
      'Could not connect to the server’s WebSocket',
    );
    // Asking again is all it takes: there is no second token to enter.
    await user.click(screen.getByRole('button', { name: 'Ask' }));
    expect(ScriptedSocket.last?.url).toBe(
      `ws://localhost:3000/ws?format=json&token=${ADMIN_TOKEN}`,
    );
  });

  it('streams the reasoning as it grows, then folds it away once the SQL is there', async () => {
    renderConsole(<PlaygroundPage createSocket={(url) => new ScriptedSocket(url)} />, {
      fetch: api().fetch,
    });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Question'), 'RD headcount?');
    await user.keyboard('{Enter}');
    const socket = ScriptedSocket.last as ScriptedSocket;
    socket.open();
    expect(screen.queryByRole('heading', { name: 'Reasoning' })).toBeNull();

    const reasoningPanel = () =>
      screen.getByRole('heading', { name: 'Reasoning' }).closest('details') as HTMLDetailsElement;
    const reasoningText = () => reasoningPanel().querySelector('.reasoning')?.textContent;

    socket.deliver(
      {
        type: 'status',
        status: 'planning',
        step: 'reasoning',
        message: 'Planning the query…',
        ask_id,
      },
      {
        type: 'reasoning_chunk',
        delta: '1. RD is 研发中心;',
        reasoning: '1. RD is 研发中心;',
        ask_id,
      },
    );
    expect(reasoningText()).toBe('1. RD is 研发中心;');
    expect(reasoningPanel().open).toBe(true);

    const full = '1. RD is 研发中心;\n2. count employees joined to departments.';
    socket.deliver({
      type: 'reasoning_chunk',
      delta: '\n2. count employees joined to departments.',
      reasoning: full,
      ask_id,
    });
    // The frame's accumulated text replaces what was shown: nothing repeats, nothing is lost.
    expect(reasoningText()).toBe(full);
    expect(reasoningPanel().open).toBe(true);
    expect(screen.getByRole('button', { name: 'Stop' })).toBeTruthy();

    socket.deliver(
      { type: 'sql', sql: SQL, attempt: 0, ask_id },
      { type: 'execution_succeeded', row_count: 1, attempt: 0, ask_id },
      {
        type: 'result',
        sql: SQL,
        columns: ['n'],
        rows: [{ n: 57 }],
        row_count: 1,
        capped: false,
        ask_id,
      },
    );
    await screen.findByTestId('final-sql');
    expect(reasoningText()).toBe(full);
    expect(reasoningPanel().open).toBe(false);
    await user.click(within(reasoningPanel()).getByText('Reasoning'));
    expect(reasoningPanel().open).toBe(true);
    expect(screen.getByRole('button', { name: 'Ask' })).toBeTruthy();
  });

  it('asks for a question before connecting', async () => {
    let created = 0;
    renderConsole(
      <PlaygroundPage
        createSocket={(url) => {
          created++;
          return new ScriptedSocket(url);
        }}
      />,
      { fetch: api().fetch },
    );
    await userEvent.setup().click(screen.getByRole('button', { name: 'Ask' }));
    expect(await screen.findByText('Type a question first.')).toBeTruthy();
    expect(created).toBe(0);
  });
});
