// @vitest-environment jsdom
import type { AskRecord } from '@quarry/shared';
import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { AppRoutes } from '../../../../admin/src/routes.js';
import { fakeApi, page, renderConsole } from '../../support/harness.js';

const ask: AskRecord = {
  id: 'a1b2',
  question: '<img src=x onerror="window.hacked=1"> RD 有多少人？',
  normalized_question: 'rd 有多少人',
  rephrased_question: null,
  intent: null,
  thread_id: null,
  asked_by: 'U024BE7LH',
  asked_by_name: 'Ada Lovelace',
  source: 'slack',
  datasource: 'default',
  sql: "SELECT COUNT(*) FROM employees WHERE department = '研发中心'",
  status: 'finished',
  row_count: 1,
  timings: { historical_match: 3.2, schema_retrieval: 41.5, generation: 1210.7, execution: 8 },
  error_code: null,
  error: null,
  semantics_used: null,
  rating: 'down',
  feedback_comment: 'should count contractors too',
  rewrites: [],
  correction_count: 0,
  review_status: null,
  promoted_pair_id: null,
  details: null,
  answer: null,
  chart: null,
  follow_ups: null,
  result_sample: null,
  created_at: '2026-03-01T08:30:00Z',
  updated_at: '2026-03-01T08:30:02Z',
};

describe('ask history', () => {
  it('filters by status, feedback and source through the API', async () => {
    const unnamed: AskRecord = {
      ...ask,
      id: 'c3d4',
      question: 'How many projects?',
      asked_by: 'U0UNNAMED',
      asked_by_name: null,
    };
    const server = fakeApi({ 'GET /api/asks': { body: page([ask, unnamed]) } });
    renderConsole(<AppRoutes />, { fetch: server.fetch, path: '/asks', route: null });
    const user = userEvent.setup();
    const row = (await screen.findByRole('link', { name: ask.question })).closest(
      'tr',
    ) as HTMLElement;
    expect(within(row).getByText('Finished')).toBeTruthy();
    // The name people know, with the Slack id beneath it and on hover.
    const who = within(row).getByText('Ada Lovelace');
    expect(who.getAttribute('title')).toBe('U024BE7LH');
    expect(within(who).getByText('U024BE7LH')).toBeTruthy();
    // An ask recorded without a name shows the id, as before names were kept.
    const unnamedRow = screen
      .getByRole('link', { name: unnamed.question })
      .closest('tr') as HTMLElement;
    expect(within(unnamedRow).getByRole('cell', { name: 'U0UNNAMED' })).toBeTruthy();
    expect(within(row).getByText('Slack')).toBeTruthy();
    expect(within(row).getByText('1.3 s')).toBeTruthy();
    expect(document.querySelector('img')).toBeNull();

    await user.selectOptions(screen.getByLabelText('Status'), 'failed');
    await user.selectOptions(screen.getByLabelText('Feedback'), 'down');
    await user.selectOptions(screen.getByLabelText('Source'), 'slack');
    await waitFor(() => {
      const last = server.sent('GET /api/asks').at(-1);
      expect(Object.fromEntries(last?.search ?? [])).toEqual({
        status: 'failed',
        rating: 'down',
        source: 'slack',
        page: '1',
        page_size: '20',
      });
    });
  });

  it('says when nothing matches', async () => {
    const server = fakeApi({ 'GET /api/asks': { body: page([]) } });
    renderConsole(<AppRoutes />, { fetch: server.fetch, path: '/asks?status=failed', route: null });
    expect(await screen.findByText('No ask matches these filters.')).toBeTruthy();
  });

  it('shows an ask in full; promoting its edited SQL under an edited question asks first, since it was rated 👎', async () => {
    let stored: AskRecord = ask;
    const server = fakeApi({
      'GET /api/asks/a1b2': () => ({ body: stored }),
      'POST /api/asks/a1b2/promote': (request) => {
        stored = { ...ask, review_status: 'verified', promoted_pair_id: 12 };
        return { status: 201, body: { id: 12, ...(request.body as object) } };
      },
    });
    renderConsole(<AppRoutes />, { fetch: server.fetch, path: '/asks/a1b2', route: null });
    const user = userEvent.setup();
    expect(await screen.findByRole('heading', { name: ask.question })).toBeTruthy();
    expect(screen.getByText('1211 ms')).toBeTruthy();
    expect(screen.getByText('Ada Lovelace').getAttribute('title')).toBe('U024BE7LH');
    expect(screen.getByText('Generation')).toBeTruthy();
    expect((screen.getByLabelText('Comment') as HTMLTextAreaElement).value).toBe(
      'should count contractors too',
    );
    expect(document.querySelector('img')).toBeNull();

    const question = screen.getByLabelText('Question to save');
    await user.clear(question);
    await user.type(question, 'RD headcount');
    await user.click(screen.getByRole('button', { name: 'Promote to SQL pair' }));
    const dialog = await screen.findByRole('dialog', { name: 'Promote an answer rated 👎?' });
    expect(server.sent('POST /api/asks/a1b2/promote')).toHaveLength(0);
    await user.click(within(dialog).getByRole('button', { name: 'Promote anyway' }));

    expect(await screen.findByText('Promoted to a SQL pair.')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Open it' }).getAttribute('href')).toBe(
      '/sql-pairs/12',
    );
    expect(server.sent('POST /api/asks/a1b2/promote').map((request) => request.body)).toEqual([
      { question: 'RD headcount', sql: ask.sql, confirm: true },
    ]);
    expect((screen.getByLabelText('Review status') as HTMLSelectElement).value).toBe('verified');
  });

  it('shows the rows the ask answered with, and says when the history kept only the first', async () => {
    const sampled: AskRecord = {
      ...ask,
      row_count: 42,
      result_sample: {
        columns: ['department', 'headcount'],
        rows: [
          { department: '研发中心', headcount: 1234 },
          { department: '<b>QA</b>', headcount: 7 },
        ],
        row_count: 42,
        truncated: true,
      },
    };
    const server = fakeApi({ 'GET /api/asks/a1b2': { body: sampled } });
    renderConsole(<AppRoutes />, { fetch: server.fetch, path: '/asks/a1b2', route: null });
    const table = await screen.findByRole('region', { name: 'The rows, as kept with the ask' });
    const cells = within(table)
      .getAllByRole('row')
      .map((row) =>
        within(row)
          .queryAllByRole('cell')
          .map((cell) => cell.textContent),
      );
    expect(cells.slice(1)).toEqual([
      ['研发中心', '1,234'],
      ['<b>QA</b>', '7'],
    ]);
    expect(screen.getByText('42 rows')).toBeTruthy();
    expect(screen.getByText('The history keeps the first 2 rows, long texts cut.')).toBeTruthy();
    expect(document.querySelector('b')).toBeNull();
  });

  it('cannot promote an ask without SQL, and shows why it failed', async () => {
    const failed: AskRecord = {
      ...ask,
      status: 'failed',
      sql: null,
      row_count: null,
      error_code: 'NO_RELEVANT_DATA',
      error: 'No table seems related to this question.',
    };
    const server = fakeApi({ 'GET /api/asks/a1b2': { body: failed } });
    renderConsole(<AppRoutes />, { fetch: server.fetch, path: '/asks/a1b2', route: null });
    expect(await screen.findByText('No table seems related to this question.')).toBeTruthy();
    expect(screen.getByText('No SQL was produced.')).toBeTruthy();
    expect(
      screen.getByRole('button', { name: 'Promote to SQL pair' }).hasAttribute('disabled'),
    ).toBe(true);
  });

  it('shows the answer, the chart and the follow-ups the asker got, as the history kept them', async () => {
    const answered: AskRecord = {
      ...ask,
      answer: '研发中心有 42 人。',
      chart: {
        kind: 'bar',
        chosen_by: 'rules',
        spec: {
          $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
          data: {
            values: [
              { 部门: '研发中心', 人数: 42 },
              { 部门: '市场部', 人数: 17 },
            ],
          },
          mark: { type: 'bar' },
          encoding: {
            y: { field: '部门', type: 'nominal' },
            x: { field: '人数', type: 'quantitative' },
          },
        },
      },
      follow_ups: ['市场部呢？', '去年呢？'],
    };
    const server = fakeApi({ 'GET /api/asks/a1b2': { body: answered } });
    renderConsole(<AppRoutes />, { fetch: server.fetch, path: '/asks/a1b2', route: null });
    const card = await screen.findByRole('region', { name: 'Answer' });
    expect(within(card).getByTestId('ask-answer').textContent).toBe('研发中心有 42 人。');
    expect(
      within(card)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual(['市场部呢？', '去年呢？']);
    // vega-embed draws the kept spec: one bar per department.
    await waitFor(() =>
      expect(within(card).getByTestId('chart').querySelectorAll('.mark-rect path')).toHaveLength(2),
    );
  });

  it('says a chart was drawn when its data was too large to keep, and shows no card without parts', async () => {
    const big: AskRecord = {
      ...ask,
      answer: 'Sales are spread widely.',
      chart: { kind: 'scatter', chosen_by: 'model', spec: null },
    };
    const server = fakeApi({ 'GET /api/asks/a1b2': { body: big } });
    const view = renderConsole(<AppRoutes />, {
      fetch: server.fetch,
      path: '/asks/a1b2',
      route: null,
    });
    const card = await screen.findByRole('region', { name: 'Answer' });
    expect(within(card).queryByTestId('chart')).toBeNull();
    expect(card.textContent).toContain('A scatter plot was drawn; its data was too large to keep.');
    view.unmount();

    const plain = fakeApi({ 'GET /api/asks/a1b2': { body: ask } });
    renderConsole(<AppRoutes />, { fetch: plain.fetch, path: '/asks/a1b2', route: null });
    await screen.findByRole('heading', { name: 'Time per stage' });
    expect(screen.queryByRole('region', { name: 'Answer' })).toBeNull();
  });

  it('shows a missing ask as an error', async () => {
    const server = fakeApi({});
    renderConsole(<AppRoutes />, { fetch: server.fetch, path: '/asks/nope', route: null });
    expect((await screen.findByRole('alert')).textContent).toContain('no route GET /api/asks/nope');
  });
});

describe('SQL pair list', () => {
  it('renders what an admin entered as text, with search and paging', async () => {
    const pair = {
      id: 1,
      question: '<script>window.hacked=1</script>',
      sql: 'SELECT 1',
      datasource: 'default',
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-01-01T00:00:00Z',
    };
    const server = fakeApi({
      'GET /api/sql-pairs': (request) => ({
        body: {
          items: [pair],
          total: 45,
          page: Number(request.search.get('page') ?? 1),
          page_size: 20,
        },
      }),
    });
    renderConsole(<AppRoutes />, { fetch: server.fetch, path: '/sql-pairs', route: null });
    const user = userEvent.setup();
    expect(
      await screen.findByRole('link', { name: '<script>window.hacked=1</script>' }),
    ).toBeTruthy();
    expect(document.querySelector('script')).toBeNull();
    expect(screen.getByText('1–20 of 45')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByText('Page 2 of 3')).toBeTruthy();
    await user.type(screen.getByRole('searchbox', { name: 'Search questions and SQL' }), 'revenue');
    await waitFor(() => {
      const last = server.sent('GET /api/sql-pairs').at(-1);
      expect(last?.search.get('q')).toBe('revenue');
      // A new search starts at the first page.
      expect(last?.search.get('page')).toBe('1');
    });
  });
});
