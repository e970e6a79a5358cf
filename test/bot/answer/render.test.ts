import type { AskFrame, ResultRow } from '@quarry/shared';
import { describe, expect, it } from 'vitest';
import {
  type AnswerState,
  applyBotError,
  applyChartImage,
  applyConnectRetry,
  applyFrame,
  initialAnswerState,
  sqlInStream,
} from '../../../bot/src/answer/answerState.js';
import { ACTION_IDS, type MessageBlock, renderAnswer } from '../../../bot/src/answer/render.js';
import { BotError } from '../../../bot/src/errors.js';

const ASK = 'ask-1';
const frame = (event: Record<string, unknown>) => ({ ...event, ask_id: ASK }) as AskFrame;
const fold = (question: string, frames: Record<string, unknown>[]): AnswerState =>
  frames.reduce((state, event) => applyFrame(state, frame(event)), initialAnswerState(question));

/** Every text a person would read in the blocks, in order. */
function visibleText(blocks: MessageBlock[]): string {
  return blocks
    .map((block) => {
      if (block.type === 'section') return block.text.text;
      if (block.type === 'context') return block.elements.map((e) => e.text).join(' ');
      if (block.type === 'actions') return block.elements.map((e) => e.text.text).join(' ');
      // A picture reads as its alt text, as a screen reader says it.
      if (block.type === 'image') return block.alt_text;
      return block.rows.map((row) => row.map((cell) => cell.text).join(' | ')).join('\n');
    })
    .join('\n');
}

const SQL =
  'SELECT d.name AS 部门, COUNT(*) AS 人数 FROM employees e JOIN departments d ON d.id = e.department_id GROUP BY d.name';

describe('renderAnswer', () => {
  it('shows the stage while the question is being understood', () => {
    const state = fold('How many employees per department?', [
      { type: 'status', status: 'understanding', step: 'received', message: '正在处理查询请求...' },
    ]);
    const { text, blocks } = renderAnswer(state, { tableBlock: true });
    expect(text).toBe('Understanding the question…');
    expect(visibleText(blocks)).toContain('Understanding the question…');
  });

  it('streams the SQL with a cursor, then shows the final SQL', () => {
    const streaming = fold('How many employees per department?', [
      { type: 'status', status: 'generating', step: 'generating', message: '' },
      { type: 'sql_chunk', delta: 'SELECT d.name', sql: 'SELECT d.name' },
    ]);
    expect(visibleText(renderAnswer(streaming, { tableBlock: true }).blocks)).toContain(
      '```SELECT d.name ▌```',
    );
    const final = applyFrame(streaming, frame({ type: 'sql', sql: SQL, attempt: 0 }));
    expect(visibleText(renderAnswer(final, { tableBlock: true }).blocks)).toContain(
      `\`\`\`${SQL}\`\`\``,
    );
  });

  it('names the dictionary rewrites in one short line, in the question’s language', () => {
    const rewrites = [{ before: 'RD', after: '研发中心', dictionary: 'department' }];
    const zh = fold('RD 有多少人？', [
      {
        type: 'sql',
        sql: "SELECT COUNT(*) FROM departments WHERE name = '研发中心'",
        attempt: 0,
        rewrites,
      },
    ]);
    const zhLines = visibleText(renderAnswer(zh, { tableBlock: true }).blocks).split('\n');
    expect(zhLines).toContain('已展开缩写：RD → 研发中心');
    const en = fold('How many people in RD?', [
      {
        type: 'sql',
        sql: "SELECT COUNT(*) FROM departments WHERE name = '研发中心'",
        attempt: 0,
        rewrites,
      },
    ]);
    expect(visibleText(renderAnswer(en, { tableBlock: true }).blocks)).toContain(
      'Abbreviations expanded: RD → 研发中心',
    );
    const none = fold('How many people?', [{ type: 'sql', sql: 'SELECT 1', attempt: 0 }]);
    expect(visibleText(renderAnswer(none, { tableBlock: true }).blocks)).not.toMatch(
      /Abbreviations/,
    );
  });

  it('lists each failure and rewrite as it happens', () => {
    const state = fold('How many employees per department?', [
      { type: 'sql', sql: 'SELECT dept FROM employees', attempt: 0 },
      {
        type: 'execution_failed',
        phase: 'dry_run',
        sql: 'x',
        code: 'DRY_RUN_FAILED',
        error: 'no such column: dept',
        attempt: 0,
      },
      { type: 'status', status: 'correcting', step: 'rewriting', message: '' },
    ]);
    const during = visibleText(renderAnswer(state, { tableBlock: true }).blocks);
    expect(during).toContain('Rewriting the SQL (rewrite 1)…');
    expect(during).toContain('The first query failed the check: no such column: dept');
    const after = [
      { type: 'rewrite', raw: '```sql\nSELECT 1\n```', sql: SQL, attempt: 1 },
      { type: 'status', status: 'executing', step: 'executing_rewrite', message: '' },
      { type: 'execution_succeeded', row_count: 2, attempt: 1 },
    ].reduce((s, e) => applyFrame(s, frame(e)), state);
    const text = visibleText(renderAnswer(after, { tableBlock: true }).blocks);
    expect(text).toContain('Running the rewritten query…');
    expect(text).toContain('Rewrote the SQL (rewrite 1)');
    expect(text).toContain('Rewrite 1 worked (2 rows)');
  });

  it('answers with the SQL, the row count, a table block and feedback buttons', () => {
    const rows: ResultRow[] = [
      { 部门: '研发中心', 人数: 10 },
      { 部门: '财务部', 人数: null },
    ];
    const state = fold('每个部门有多少人？', [
      { type: 'result', sql: SQL, columns: ['部门', '人数'], rows, row_count: 2, capped: false },
    ]);
    const rendered = renderAnswer(state, { tableBlock: true });
    expect(rendered.text).toBe('2 行');
    expect(rendered.shownRows).toBe(2);
    const table = rendered.blocks.find((b) => b.type === 'table');
    expect(table).toEqual({
      type: 'table',
      column_settings: [{ is_wrapped: true }, { align: 'right' }],
      rows: [
        [
          { type: 'raw_text', text: '部门' },
          { type: 'raw_text', text: '人数' },
        ],
        [
          { type: 'raw_text', text: '研发中心' },
          { type: 'raw_text', text: '10' },
        ],
        [
          { type: 'raw_text', text: '财务部' },
          { type: 'raw_text', text: '—' },
        ],
      ],
    });
    const actions = rendered.blocks.find((b) => b.type === 'actions');
    expect(
      actions?.type === 'actions' &&
        actions.elements.map((e) => [e.action_id, e.value, e.text.text]),
    ).toEqual([
      [ACTION_IDS.feedbackUp, ASK, '👍 有帮助'],
      [ACTION_IDS.feedbackDown, ASK, '👎 不对'],
      [ACTION_IDS.downloadCsv, ASK, '下载 CSV'],
    ]);
  });

  it('shows the uploaded chart between the answer and the rows, unless Slack refused it', () => {
    const rows: ResultRow[] = [
      { 部门: '研发中心', 人数: 10 },
      { 部门: '财务部', 人数: 4 },
    ];
    const spec = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', mark: 'bar' };
    const answered = fold('每个部门有多少人？', [
      {
        type: 'result',
        sql: SQL,
        columns: ['部门', '人数'],
        rows,
        row_count: 2,
        capped: false,
        parts: ['answer', 'chart'],
      },
      { type: 'answer', answer: '研发中心人最多。' },
      { type: 'chart', kind: 'bar', spec, chosen_by: 'rules' },
    ]);
    // Until the PNG is uploaded there is nothing to show.
    const before = renderAnswer(answered, { tableBlock: true }).blocks;
    expect(before.some((block) => block.type === 'image')).toBe(false);

    const state = applyChartImage(answered, {
      fileId: 'F123',
      altText: '条形图：每个部门有多少人？',
    });
    const rendered = renderAnswer(state, { tableBlock: true });
    expect(rendered.text).toBe('研发中心人最多。');
    expect(rendered.blocks.map((block) => block.type).slice(0, 3)).toEqual([
      'section',
      'image',
      'table',
    ]);
    expect(rendered.blocks[1]).toEqual({
      type: 'image',
      slack_file: { id: 'F123' },
      alt_text: '条形图：每个部门有多少人？',
    });
    const refused = renderAnswer(state, { tableBlock: true, imageBlock: false });
    expect(refused.blocks.some((block) => block.type === 'image')).toBe(false);
    // The connection lost after the rows: the rows stand, and so does their picture.
    const cut = applyBotError(state, new BotError('CONNECTION_LOST', 'closed'));
    expect(renderAnswer(cut, { tableBlock: true }).blocks[1]?.type).toBe('image');
  });

  it('falls back to a monospace table in a section when the table block is off', () => {
    const state = fold('salaries', [
      {
        type: 'result',
        sql: 'SELECT 1',
        columns: ['name', 'salary'],
        rows: [{ name: '王英勇', salary: 90000 }],
        row_count: 1,
        capped: false,
      },
    ]);
    const rendered = renderAnswer(state, { tableBlock: false });
    expect(rendered.blocks.some((b) => b.type === 'table')).toBe(false);
    expect(visibleText(rendered.blocks)).toContain(
      '```name    salary\n------  ------\n王英勇   90000```',
    );
  });

  it('says when only part of the rows fit and the rest comes as CSV', () => {
    const rows = Array.from({ length: 150 }, (_, i) => ({ id: i + 1 }));
    const state = fold('ids', [
      { type: 'result', sql: 'SELECT id', columns: ['id'], rows, row_count: 150, capped: false },
    ]);
    const rendered = renderAnswer(state, { tableBlock: true });
    expect(rendered.shownRows).toBe(99);
    expect(visibleText(rendered.blocks)).toContain(
      'Showing 99 of 150 rows; the full result is in the CSV below.',
    );
  });

  it('explains errors in the language of the question, with what to try', () => {
    const zh = fold('上个月的销售额是多少？', [
      { type: 'error', code: 'LLM_UNAVAILABLE', message: 'timeout' },
    ]);
    expect(renderAnswer(zh, { tableBlock: true }).text).toBe(
      '语言模型暂时没有响应。 请一分钟后再试；如果一直这样，请联系 Quarry 管理员。',
    );
    const en = fold('What were sales last month?', [
      {
        type: 'execution_failed',
        phase: 'execution',
        sql: 'x',
        code: 'SQL_EXECUTION_FAILED',
        error: 'e1',
        attempt: 0,
      },
      { type: 'rewrite', raw: 'r', sql: 'SELECT 2', attempt: 1 },
      { type: 'error', code: 'SQL_EXECUTION_FAILED', message: 'no such table: sale' },
    ]);
    const rendered = renderAnswer(en, { tableBlock: true });
    expect(rendered.text).toContain('The query still failed after 1 rewrite: no such table: sale');
    expect(rendered.blocks.some((b) => b.type === 'actions')).toBe(false);
  });

  it('tells the user when the server cannot be reached', () => {
    const retrying = applyConnectRetry(initialAnswerState('How many employees?'), 2);
    expect(renderAnswer(retrying, { tableBlock: true }).text).toBe(
      "Can't reach the Quarry server yet — retrying (attempt 3)…",
    );
    const failed = applyBotError(retrying, new BotError('SERVER_UNREACHABLE', 'ECONNREFUSED'));
    expect(renderAnswer(failed, { tableBlock: true }).text).toMatch(
      /^I can't reach the Quarry server right now\./,
    );
    const lost = applyBotError(
      initialAnswerState('员工人数'),
      new BotError('CONNECTION_LOST', 'closed'),
    );
    expect(renderAnswer(lost, { tableBlock: true }).text).toMatch(
      /^答案返回之前，与 Quarry 服务器的连接断开了。/,
    );
  });

  it('escapes Slack markup in text the user or the database wrote', () => {
    const state = fold('x', [
      { type: 'sql', sql: 'SELECT * FROM t WHERE a < 3 && b > 2', attempt: 0 },
      {
        type: 'execution_failed',
        phase: 'execution',
        sql: 'x',
        code: 'SQL_EXECUTION_FAILED',
        error: '<@U123> & co',
        attempt: 0,
      },
    ]);
    const text = visibleText(renderAnswer(state, { tableBlock: true }).blocks);
    expect(text).toContain('WHERE a &lt; 3 &amp;&amp; b &gt; 2');
    expect(text).toContain('&lt;@U123&gt; &amp; co');
  });
});

describe('sqlInStream', () => {
  it('shows the SQL of a streaming reply without its fence', () => {
    expect(sqlInStream('```sq')).toBe('');
    expect(sqlInStream('```sql\nSELECT d.name')).toBe('SELECT d.name');
    expect(sqlInStream('Here it is:\n```sql\nSELECT 1\n``')).toBe('SELECT 1');
    expect(sqlInStream('```sql\nSELECT 1\n```\nThis counts rows.')).toBe('SELECT 1');
    expect(sqlInStream('SELECT 2')).toBe('SELECT 2');
  });

  it('shows nothing of the preamble before the SQL starts', () => {
    expect(sqlInStream('Here is')).toBe('');
    expect(sqlInStream('Here is the query you asked for:\n')).toBe('');
    expect(sqlInStream('Here is the query:\n``')).toBe('');
    expect(sqlInStream('SEL')).toBe('');
    expect(sqlInStream('Here is the query:\nSELECT name FROM t')).toBe('SELECT name FROM t');
    expect(sqlInStream('with t as (select 1) select * from t')).toBe(
      'with t as (select 1) select * from t',
    );
  });
});
