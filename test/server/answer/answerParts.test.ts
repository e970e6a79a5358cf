import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAskEndTracker, seedMessages } from '@quarry/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeChatReply, routeByPrompt } from '../../fakes/openaiServer.js';
import { ADMIN_HEADERS } from '../../support/adminToken.js';
import {
  collectFrames,
  connect,
  query,
  startTestQuarry,
  type TestQuarry,
} from '../../support/quarry.js';
import { vegaLiteErrors } from '../../support/vegaLite.js';

type Event = Record<string, unknown> & { type: string };

const MONTHLY =
  "SELECT strftime('%Y-%m', sale_date) AS month, SUM(amount) AS sales FROM sales GROUP BY month ORDER BY month";
const HEADCOUNT =
  'SELECT d.name AS department, COUNT(*) AS headcount FROM employees e JOIN departments d ON d.id = e.department_id GROUP BY d.name ORDER BY headcount DESC';
const TOTAL = 'SELECT COUNT(*) AS headcount FROM employees';
const KNOWN_ROWS =
  "SELECT '2025-01' AS month, 1200 AS sales UNION ALL SELECT '2025-02', 1350 UNION ALL SELECT '2025-03', 1500";
const STATUS_SHARES = 'SELECT status, COUNT(*) AS projects FROM projects GROUP BY status';

const FOLLOW_UPS = [
  'Which region sold most?',
  'How did March compare with February?',
  'Who sold most?',
];
const parts = (json: Record<string, unknown>) => `<<<JSON>>>\n${JSON.stringify(json)}`;

async function ask(quarry: TestQuarry, question: string): Promise<Event[]> {
  const ws = await connect(`${quarry.wsUrl}?format=json`);
  const isLast = createAskEndTracker();
  const frames = await collectFrames(ws, query(question), (text) => isLast(JSON.parse(text)));
  ws.close();
  return frames.map((frame) => JSON.parse(frame.text) as Event);
}

const byType = (events: Event[], type: string) => events.filter((event) => event.type === type);
const one = (events: Event[], type: string) => {
  const found = byType(events, type);
  expect(found, type).toHaveLength(1);
  return found[0] as Event;
};
const answerCalls = (quarry: TestQuarry) =>
  quarry.fake.chatRequests.filter((request) => request.system.includes('TASK: ANSWER FROM'));

function script(quarry: TestQuarry, sql: string, answer: FakeChatReply | string) {
  quarry.fake.onChat(
    routeByPrompt([
      [/TASK: SQL GENERATION/, `\`\`\`sql\n${sql}\n\`\`\``],
      [/TASK: ANSWER FROM THE QUERY RESULT/, answer],
    ]),
  );
}

describe('the answer, chart and follow-ups after the rows', () => {
  let quarry: TestQuarry;
  beforeAll(async () => {
    quarry = await startTestQuarry({
      ASK_ANSWER: 'true',
      ASK_CHART: 'true',
      ASK_FOLLOW_UPS: 'true',
      QUERY_ROW_LIMIT: '200',
    });
  });
  afterEach(() => quarry.fake.reset());
  afterAll(() => quarry?.close());

  it('streams the answer, then a line chart and three follow-ups for a monthly series, in one model call', async () => {
    script(quarry, MONTHLY, {
      content: `Sales rose through the year. ${parts({ follow_ups: FOLLOW_UPS })}`,
      chunks: [
        'Sales rose ',
        'through the year.',
        ' <<<JS',
        'ON>>>\n',
        JSON.stringify({ follow_ups: FOLLOW_UPS }),
      ],
    });
    const events = await ask(quarry, 'How did sales move by month?');
    const types = events.map((event) => event.type);
    const result = one(events, 'result');
    expect(result.parts).toEqual(['answer', 'chart', 'follow_ups']);
    // In order after the rows: the streamed answer, the answer, the chart, the follow-ups.
    const tail = types.slice(types.indexOf('result') + 1);
    expect(tail.filter((type) => type !== 'answer_chunk')).toEqual([
      'answer',
      'chart',
      'follow_ups',
    ]);
    expect(tail.indexOf('answer')).toBe(tail.lastIndexOf('answer_chunk') + 1);
    const chunks = byType(events, 'answer_chunk');
    // The marker, split across chunks, never reaches the user.
    expect(chunks.map((chunk) => chunk.delta).join('')).toBe('Sales rose through the year. ');
    expect(one(events, 'answer')).toMatchObject({ answer: 'Sales rose through the year.' });
    expect(one(events, 'follow_ups')).toMatchObject({ questions: FOLLOW_UPS });

    const chart = one(events, 'chart');
    expect(chart).toMatchObject({ kind: 'line', chosen_by: 'rules' });
    expect(chart.spec).toMatchObject({
      mark: { type: 'line' },
      encoding: { x: { field: 'month', type: 'temporal' }, y: { field: 'sales' } },
    });
    expect(vegaLiteErrors(chart.spec)).toEqual([]);

    // One model call after the rows, for all three parts; the chart was the rules' to pick.
    expect(quarry.fake.chatRequests).toHaveLength(2);
    const [call] = answerCalls(quarry);
    expect(call?.stream).toBe(true);
    expect(call?.system).toContain('"follow_ups"');
    expect(call?.system).not.toContain('"chart"');
    expect(call?.system).toContain('2025-01 | ');
  });

  it('draws a category with a measure as bars and a single value as no chart', async () => {
    script(
      quarry,
      HEADCOUNT,
      `研发中心人数最多。${parts({ follow_ups: ['销售部呢？', '各部门平均工资是多少？', '哪个城市员工最多？'] })}`,
    );
    const bars = await ask(quarry, '每个部门有多少员工？');
    const chart = one(bars, 'chart');
    expect(chart).toMatchObject({ kind: 'bar', chosen_by: 'rules' });
    expect(chart.spec).toMatchObject({
      mark: { type: 'bar' },
      encoding: {
        y: { field: 'department', type: 'nominal' },
        x: { field: 'headcount', type: 'quantitative' },
      },
    });
    expect(vegaLiteErrors(chart.spec)).toEqual([]);
    expect(one(bars, 'answer')).toMatchObject({ answer: '研发中心人数最多。' });
    expect(one(bars, 'follow_ups').questions).toHaveLength(3);

    quarry.fake.reset();
    script(quarry, TOTAL, `Here is the headcount. ${parts({ follow_ups: FOLLOW_UPS })}`);
    const single = await ask(quarry, 'How many employees are there?');
    expect(one(single, 'result').parts).toEqual(['answer', 'follow_ups']);
    expect(byType(single, 'chart')).toEqual([]);
    expect(answerCalls(quarry)[0]?.system).not.toContain('"chart"');
  });

  it('drops a sentence citing a number the rows do not hold, and says which', async () => {
    script(
      quarry,
      KNOWN_ROWS,
      `Sales peaked in 2025-03 at 1,500. Over the quarter they grew by 37%, to 4,321 orders. ${parts({ follow_ups: FOLLOW_UPS })}`,
    );
    const events = await ask(quarry, 'How did sales move this quarter?');
    expect(one(events, 'answer')).toEqual({
      type: 'answer',
      ask_id: expect.any(String),
      answer: 'Sales peaked in 2025-03 at 1,500.',
      unverified_numbers: ['37%', '4,321'],
    });
    // The streamed text was the model's; the answer event is what stands.
    expect(byType(events, 'answer_chunk').at(-1)?.answer).toContain('37%');
  });

  it('lets the model choose among the charts that fit, in the same call', async () => {
    script(
      quarry,
      STATUS_SHARES,
      `Most projects are active. ${parts({ chart: 'pie', follow_ups: FOLLOW_UPS })}`,
    );
    const events = await ask(quarry, 'What share of projects is in each status?');
    const chart = one(events, 'chart');
    expect(chart).toMatchObject({
      kind: 'pie',
      chosen_by: 'model',
      spec: { mark: { type: 'arc' } },
    });
    expect(vegaLiteErrors(chart.spec)).toEqual([]);
    expect(answerCalls(quarry)).toHaveLength(1);
    expect(answerCalls(quarry)[0]?.system).toMatch(/"chart".*"bar".*"pie"/);

    // A choice outside the fitting kinds falls back to the rules' first pick.
    quarry.fake.reset();
    script(
      quarry,
      STATUS_SHARES,
      `Most projects are active. ${parts({ chart: 'line', follow_ups: FOLLOW_UPS })}`,
    );
    const fallback = await ask(quarry, 'What share of projects is in each status?');
    expect(one(fallback, 'chart')).toMatchObject({ kind: 'bar', chosen_by: 'rules' });
  });

  it('says the rows were capped, and sends a large result as a sample with statistics', async () => {
    script(
      quarry,
      'SELECT id, amount FROM sales ORDER BY id',
      `The largest sale was shown. ${parts({ follow_ups: FOLLOW_UPS })}`,
    );
    const events = await ask(quarry, 'List every sale');
    expect(one(events, 'result')).toMatchObject({ row_count: 200, capped: true });
    expect(one(events, 'answer').answer).toBe(
      'The largest sale was shown. (This is based on the first 200 rows; there may be more.)',
    );
    const prompt = answerCalls(quarry)[0]?.system ?? '';
    expect(prompt).toContain(
      'Rows: the first 200 (the query stopped at its row limit; there may be more)',
    );
    expect(prompt).toContain('Sample rows (the first 20 and the last 5 of 200):');
    expect(prompt).toMatch(
      /- amount \(number; min [\d.]+, max [\d.]+, sum [\d.]+, average [\d.]+\)/,
    );
    const dataLines = prompt.split('\n').filter((line) => /^\d+ \| /.test(line));
    expect(dataLines).toHaveLength(25);
  });

  it('answers in Chinese for a Chinese question, with the cap note in Chinese', async () => {
    script(
      quarry,
      'SELECT id, amount FROM sales ORDER BY id',
      `已列出销售记录。${parts({ follow_ups: ['按地区汇总呢？'] })}`,
    );
    const events = await ask(quarry, '列出所有销售记录');
    expect(one(events, 'answer').answer).toBe(
      '已列出销售记录。 （以上基于前 200 行结果，实际可能更多。）',
    );
    expect(answerCalls(quarry)[0]?.system).toContain("in the user's language");
  });

  it('keeps the rows and finishes the ask when the answer call fails', async () => {
    script(quarry, MONTHLY, { status: 500, content: 'the answer model is down' });
    const events = await ask(quarry, 'How did sales move by month?');
    expect(one(events, 'result').row_count).toBeGreaterThan(0);
    expect(one(events, 'answer')).toMatchObject({
      answer: '',
      error: expect.stringContaining('down'),
    });
    expect(one(events, 'chart')).toMatchObject({ kind: 'line' });
    expect(one(events, 'follow_ups')).toMatchObject({ questions: [] });
    expect(byType(events, 'error')).toEqual([]);
  });

  it('keeps text mode to the seed frames, with no model call after the rows', async () => {
    script(quarry, TOTAL, 'never asked');
    const ws = await connect(quarry.wsUrl);
    const frames = (await collectFrames(ws, query('How many employees?'))).map((f) => f.text);
    ws.close();
    expect(frames.slice(0, 2)).toEqual([seedMessages.received, seedMessages.generating]);
    const closing = JSON.parse(frames.at(-1) as string) as { result: unknown };
    expect(frames.slice(-3)).toEqual([
      '正在执行SQL查询...',
      'SQL查询成功，结果行数: 1',
      JSON.stringify({ status: 'success', sql: TOTAL, result: closing.result }),
    ]);
    expect(answerCalls(quarry)).toEqual([]);
  });

  it('gives /v1/asks/:id/result the answer, chart and follow-ups, finished once all are in', async () => {
    script(quarry, MONTHLY, {
      content: `Sales rose through the year. ${parts({ follow_ups: FOLLOW_UPS })}`,
      delayMs: 200,
    });
    const started = await fetch(`${quarry.baseUrl}/v1/asks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'How did sales move by month?' }),
    });
    const { query_id } = (await started.json()) as { query_id: string };
    const seen = new Set<string>();
    let view: Record<string, unknown> = {};
    for (const deadline = Date.now() + 10_000; view.status !== 'finished'; ) {
      if (Date.now() > deadline) throw new Error(`still ${String(view.status)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const response = await fetch(`${quarry.baseUrl}/v1/asks/${query_id}/result`);
      view = (await response.json()) as Record<string, unknown>;
      // Rows in, parts pending: the ask is not finished yet.
      if (view.rows && view.parts_pending) {
        seen.add('pending');
        expect(view.status).not.toBe('finished');
      }
    }
    expect(seen.has('pending')).toBe(true);
    expect(view).toMatchObject({
      status: 'finished',
      answer: 'Sales rose through the year.',
      chart: { kind: 'line', chosen_by: 'rules', spec: { mark: { type: 'line' } } },
      follow_ups: FOLLOW_UPS,
    });
    expect(view.parts_pending).toBeUndefined();
  });
});

describe('switching the parts off', () => {
  const cases: Array<{
    name: string;
    env: Record<string, string>;
    parts: string[];
    calls: number;
  }> = [
    {
      name: 'ASK_ANSWER=false',
      env: { ASK_ANSWER: 'false' },
      parts: ['chart', 'follow_ups'],
      calls: 1,
    },
    {
      name: 'ASK_CHART=false',
      env: { ASK_CHART: 'false' },
      parts: ['answer', 'follow_ups'],
      calls: 1,
    },
    {
      name: 'ASK_FOLLOW_UPS=false',
      env: { ASK_FOLLOW_UPS: 'false' },
      parts: ['answer', 'chart'],
      calls: 1,
    },
    {
      name: 'only the chart',
      env: { ASK_ANSWER: 'false', ASK_FOLLOW_UPS: 'false' },
      parts: ['chart'],
      calls: 0,
    },
    {
      name: 'all off',
      env: { ASK_ANSWER: 'false', ASK_CHART: 'false', ASK_FOLLOW_UPS: 'false' },
      parts: [],
      calls: 0,
    },
  ];
  for (const { name, env, parts: expected, calls } of cases) {
    it(`${name} removes the part and its share of the model call`, async () => {
      const quarry = await startTestQuarry({
        ASK_ANSWER: 'true',
        ASK_CHART: 'true',
        ASK_FOLLOW_UPS: 'true',
        ...env,
      });
      try {
        quarry.fake.onChat(
          routeByPrompt([
            [/TASK: SQL GENERATION/, `\`\`\`sql\n${STATUS_SHARES}\n\`\`\``],
            [
              /TASK: ANSWER FROM/,
              (request) =>
                request.stream
                  ? `Most projects are active. ${parts({ chart: 'pie', follow_ups: FOLLOW_UPS })}`
                  : JSON.stringify({ chart: 'pie', follow_ups: FOLLOW_UPS }),
            ],
          ]),
        );
        const events = await ask(quarry, 'What share of projects is in each status?');
        const result = one(events, 'result');
        expect(result.parts ?? []).toEqual(expected);
        const after = events.slice(events.indexOf(result) + 1).map((event) => event.type);
        for (const part of ['answer', 'chart', 'follow_ups']) {
          expect(after.includes(part), part).toBe(expected.includes(part));
        }
        expect(after.includes('answer_chunk')).toBe(expected.includes('answer'));
        const answering = answerCalls(quarry);
        expect(answering).toHaveLength(calls);
        const prompt = answering[0]?.system ?? '';
        if (calls === 1) {
          expect(prompt.includes('Write the answer for the user')).toBe(
            expected.includes('answer'),
          );
          expect(prompt.includes('"follow_ups"')).toBe(expected.includes('follow_ups'));
          expect(prompt.includes('"chart"')).toBe(expected.includes('chart'));
          // Without the answer nothing streams: the call asks for JSON.
          expect(answering[0]?.stream).toBe(expected.includes('answer'));
        }
        if (expected.includes('chart')) {
          expect(one(events, 'chart')).toMatchObject({
            kind: calls === 1 ? 'pie' : 'bar',
            chosen_by: calls === 1 ? 'model' : 'rules',
          });
        }
      } finally {
        await quarry.close();
      }
    });
  }
});

describe('the parts after a restart', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quarry-parts-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('serves the answer, chart and follow-ups from the ask history once the ask left memory', async () => {
    const env = {
      APP_DATABASE_URL: `sqlite:${join(dir, 'app.sqlite')}`,
      ASK_ANSWER: 'true',
      ASK_CHART: 'true',
      ASK_FOLLOW_UPS: 'true',
    };
    const first = await startTestQuarry(env);
    let askId: string;
    let rowCount: number;
    try {
      script(first, MONTHLY, `Sales rose through the year. ${parts({ follow_ups: FOLLOW_UPS })}`);
      const events = await ask(first, 'How did sales move by month?');
      askId = String(one(events, 'result').ask_id);
      rowCount = Number(one(events, 'result').row_count);
      // The outcome reaches the history after the last frame: wait for it before stopping.
      for (const deadline = Date.now() + 10_000; ; ) {
        const record = (await (
          await fetch(`${first.baseUrl}/api/asks/${askId}`, { headers: ADMIN_HEADERS })
        ).json()) as { status?: string };
        if (record.status === 'finished') break;
        if (Date.now() > deadline) throw new Error(`history still says ${record.status}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await first.close();
    }

    const second = await startTestQuarry(env);
    try {
      const view = (await (
        await fetch(`${second.baseUrl}/v1/asks/${askId}/result`)
      ).json()) as Record<string, unknown>;
      expect(view).toMatchObject({
        status: 'finished',
        answer: 'Sales rose through the year.',
        chart: { kind: 'line', chosen_by: 'rules', spec: { mark: { type: 'line' } } },
        follow_ups: FOLLOW_UPS,
      });
      // The rows are not kept, but the chart's own copy of them is: it still draws.
      expect(view.rows).toBeUndefined();
      const spec = (view.chart as { spec: { data: { values: unknown[] } } }).spec;
      expect(spec.data.values).toHaveLength(rowCount);
      expect(vegaLiteErrors(spec)).toEqual([]);

      const record = (await (
        await fetch(`${second.baseUrl}/api/asks/${askId}`, { headers: ADMIN_HEADERS })
      ).json()) as Record<string, unknown>;
      expect(record).toMatchObject({
        answer: 'Sales rose through the year.',
        chart: { kind: 'line', chosen_by: 'rules', spec },
        follow_ups: FOLLOW_UPS,
      });
    } finally {
      await second.close();
    }
  });
});
