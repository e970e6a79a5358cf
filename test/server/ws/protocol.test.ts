import { seedMessages } from '@quarry/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSql } from '../../../server/src/demo/build.js';
import { routeByPrompt } from '../../fakes/openaiServer.js';
import { ADMIN_HEADERS, ADMIN_TOKEN } from '../../support/adminToken.js';
import { createTestDatabase, type TestDatabase } from '../../support/mariadb.js';
import {
  collectFrames,
  connect,
  query,
  startTestQuarry,
  type TestQuarry,
} from '../../support/quarry.js';
import { dropQueue, redisQueueEnv, spawnWorker } from '../../support/worker.js';

/** The model writes an abbreviation; the dictionary turns it into the demo's full name. */
const RD_HEADCOUNT_RAW =
  "Here is the query:\n```sql\nSELECT COUNT(*) AS headcount FROM employees e JOIN departments d ON e.department_id = d.id WHERE d.name = 'RD'\n```";
const RD_HEADCOUNT_SQL =
  "SELECT COUNT(*) AS headcount FROM employees e JOIN departments d ON e.department_id = d.id WHERE d.name = '研发中心'";
const BAD_SQL = 'SELECT nme FROM departments ORDER BY id';
const GOOD_SQL = 'SELECT name FROM departments ORDER BY id';

const texts = (frames: { text: string }[]) => frames.map((frame) => frame.text);

interface Target {
  env: Record<string, string>;
  drop?: () => Promise<void>;
  /** Starts what answers besides the server (workers); returns how to stop it. */
  join?: (quarry: TestQuarry) => Promise<() => Promise<unknown>>;
}

const targets: Array<[string, () => Promise<Target>]> = [
  ['the SQLite demo', async () => ({ env: {} })],
  [
    'MariaDB',
    async () => {
      const database: TestDatabase = await createTestDatabase('protocol', await demoSql());
      return { env: { DATABASE_URL: database.url }, drop: () => database.drop() };
    },
  ],
  [
    'MariaDB with a bull worker process on Redis',
    async () => {
      const database = await createTestDatabase('protocol_queue', await demoSql());
      const app = await createTestDatabase('protocol_queue_app');
      const queue = redisQueueEnv('protocol');
      return {
        env: {
          DATABASE_URL: database.url,
          APP_DATABASE_URL: app.url,
          ...queue,
          // The server only enqueues: every answer below comes from the worker process.
          ASK_WORKER_CONCURRENCY: '0',
        },
        async drop() {
          await dropQueue(queue.ASK_QUEUE_NAME);
          await database.drop();
          await app.drop();
        },
        async join(quarry) {
          const worker = await spawnWorker(quarry, { ASK_WORKER_CONCURRENCY: '2' });
          return () => worker.stop();
        },
      };
    },
  ],
];

describe.each(targets)('/ws text mode on %s', (_name, target) => {
  let quarry: TestQuarry;
  let drop: (() => Promise<void>) | undefined;
  let leave: (() => Promise<unknown>) | undefined;
  let departmentNames: string[];

  beforeAll(async () => {
    const prepared = await target();
    drop = prepared.drop;
    quarry = await startTestQuarry({ SQL_REWRITE_MAX_ATTEMPTS: '2', ...prepared.env });
    leave = await prepared.join?.(quarry);
    if (prepared.env.DATABASE_URL) {
      // The bundled demo seeds its dictionaries; another database starts with what admins add.
      const added = await fetch(`${quarry.baseUrl}/api/dictionaries/department`, {
        method: 'POST',
        headers: ADMIN_HEADERS,
        body: JSON.stringify({ abbreviation: 'RD', full_name: '研发中心' }),
      });
      expect(added.status).toBe(201);
    }
    const response = await fetch(`${quarry.baseUrl}/api/datasources/default/preview`, {
      method: 'POST',
      headers: ADMIN_HEADERS,
      body: JSON.stringify({ sql: GOOD_SQL }),
    });
    departmentNames = ((await response.json()) as { rows: { name: string }[] }).rows.map(
      (row) => row.name,
    );
  });
  afterAll(async () => {
    await leave?.();
    await quarry?.close();
    await drop?.();
  });

  it('streams the SQL, rewrites the abbreviation, runs it and returns the rows', async () => {
    quarry.fake.enqueue({
      content: RD_HEADCOUNT_RAW,
      chunks: RD_HEADCOUNT_RAW.match(/[\s\S]{1,12}/g) ?? [],
    });
    const ws = await connect(quarry.wsUrl);
    const frames = texts(await collectFrames(ws, query('RD部门有多少员工?')));
    ws.close();

    const chunks = RD_HEADCOUNT_RAW.match(/[\s\S]{1,12}/g) ?? [];
    const result = JSON.parse(frames.at(-1) as string) as {
      status: string;
      sql: string;
      result: { headcount: number }[];
    };
    expect(frames).toEqual([
      seedMessages.received,
      seedMessages.generating,
      ...chunks,
      'DONE',
      `最终SQL语句: ${RD_HEADCOUNT_SQL}`,
      '正在执行SQL查询...',
      'SQL查询成功，结果行数: 1',
      JSON.stringify({ status: 'success', sql: RD_HEADCOUNT_SQL, result: result.result }),
    ]);
    expect(result.result[0]?.headcount).toBeGreaterThan(0);
  });

  it('reports a failure, rewrites the SQL and succeeds', async () => {
    quarry.fake.onChat(
      routeByPrompt([
        [/TASK: SQL GENERATION/, `\`\`\`sql\n${BAD_SQL}\n\`\`\``],
        [
          /TASK: SQL DIAGNOSIS/,
          'The column nme does not exist; the department name column is name.',
        ],
        [/TASK: SQL CORRECTION/, `Fixed:\n\`\`\`sql\n${GOOD_SQL}\n\`\`\``],
      ]),
    );
    const ws = await connect(quarry.wsUrl);
    const frames = texts(await collectFrames(ws, query('列出所有部门')));
    ws.close();
    quarry.fake.reset();

    const done = frames.indexOf('DONE');
    expect(frames.slice(0, 2)).toEqual([seedMessages.received, seedMessages.generating]);
    expect(frames.slice(done, done + 3)).toEqual([
      'DONE',
      `最终SQL语句: ${BAD_SQL}`,
      '正在执行SQL查询...',
    ]);
    const rest = frames.slice(done + 3);
    expect(rest[0]).toMatch(/^SQL查询失败: .*nme/);
    expect(rest.slice(1)).toEqual([
      '正在尝试重写SQL语句...',
      `模型重写的SQL内容: Fixed:\n\`\`\`sql\n${GOOD_SQL}\n\`\`\``,
      `重写后的SQL语句: ${GOOD_SQL}`,
      '正在执行重写后的SQL查询...',
      '重写后的SQL查询成功',
      JSON.stringify({
        status: 'success',
        sql: GOOD_SQL,
        result: departmentNames.map((name) => ({ name })),
      }),
    ]);
  });

  it('gives up after SQL_REWRITE_MAX_ATTEMPTS failed rewrites', async () => {
    let corrections = 0;
    quarry.fake.onChat(
      routeByPrompt([
        [/TASK: SQL GENERATION/, `\`\`\`sql\n${BAD_SQL}\n\`\`\``],
        [/TASK: SQL DIAGNOSIS/, 'No idea.'],
        // A different wrong SQL each round: a repeated one would end the loop early.
        [/TASK: SQL CORRECTION/, () => `SELECT still_wrong_${++corrections} FROM departments`],
      ]),
    );
    const ws = await connect(quarry.wsUrl);
    const frames = texts(await collectFrames(ws, query('列出所有部门')));
    ws.close();
    quarry.fake.reset();

    const rest = frames.slice(frames.indexOf('正在执行SQL查询...') + 1);
    const round = (n: number) => [
      '正在尝试重写SQL语句...',
      `模型重写的SQL内容: SELECT still_wrong_${n} FROM departments`,
      `重写后的SQL语句: SELECT still_wrong_${n} FROM departments`,
      '正在执行重写后的SQL查询...',
    ];
    expect(rest).toHaveLength(1 + 2 * (round(1).length + 1) + 1);
    expect(rest[0]).toMatch(/^SQL查询失败: .*nme/);
    expect(rest.slice(1, 5)).toEqual(round(1));
    expect(rest[5]).toMatch(/^重写后的SQL查询仍然失败: .*still_wrong_1/);
    expect(rest.slice(6, 10)).toEqual(round(2));
    expect(rest[10]).toMatch(/^重写后的SQL查询仍然失败: .*still_wrong_2/);
    const closing = JSON.parse(rest[11] as string) as { status: string; message: string };
    expect(closing.status).toBe('error');
    expect(rest[10]).toBe(`重写后的SQL查询仍然失败: ${closing.message}`);
    // The history keeps the SQL tried last, not the first. It is written once the outcome
    // is in, which may be a moment after the closing frame.
    const latest = async () =>
      (
        (await (
          await fetch(`${quarry.baseUrl}/api/asks?page_size=1`, {
            headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
          })
        ).json()) as { items: { sql: string; status: string }[] }
      ).items[0];
    await expect.poll(async () => (await latest())?.status).toBe('failed');
    expect(await latest()).toMatchObject({ sql: 'SELECT still_wrong_2 FROM departments' });
  });

  it('ends with the failure it showed last when the last rewrite has no SQL', async () => {
    quarry.fake.onChat(
      routeByPrompt([
        [/TASK: SQL GENERATION/, `\`\`\`sql\n${BAD_SQL}\n\`\`\``],
        [/TASK: SQL DIAGNOSIS/, 'No idea.'],
        [/TASK: SQL CORRECTION/, '抱歉，我无法修复这个查询。'],
      ]),
    );
    const ws = await connect(quarry.wsUrl);
    const frames = texts(await collectFrames(ws, query('列出所有部门')));
    ws.close();
    quarry.fake.reset();
    const closing = JSON.parse(frames.at(-1) as string) as { status: string; message: string };
    expect(closing.status).toBe('error');
    expect(frames.slice(-4, -1)).toEqual([
      '正在尝试重写SQL语句...',
      '模型重写的SQL内容: 抱歉，我无法修复这个查询。',
      `重写后的SQL查询仍然失败: ${closing.message}`,
    ]);
  });

  it('says SQL语句生成失败 when the model writes no SQL', async () => {
    quarry.fake.enqueue('抱歉，我无法回答这个问题。');
    const ws = await connect(quarry.wsUrl);
    const frames = texts(await collectFrames(ws, query('今天天气怎么样?')));
    ws.close();
    expect(frames.slice(-3)).toEqual([
      'DONE',
      seedMessages.generationFailed,
      JSON.stringify({ status: 'error', message: seedMessages.generationFailed }),
    ]);
    expect(frames.slice(0, 2)).toEqual([seedMessages.received, seedMessages.generating]);
  });

  it('applies a dictionary entry added through the API to the very next ask', async () => {
    const response = await fetch(`${quarry.baseUrl}/api/dictionaries/department`, {
      method: 'POST',
      headers: ADMIN_HEADERS,
      body: JSON.stringify({ abbreviation: 'YF', full_name: '研发中心' }),
    });
    expect(response.status).toBe(201);
    quarry.fake.enqueue("```sql\nSELECT COUNT(*) AS n FROM departments WHERE name = 'YF'\n```");
    const ws = await connect(quarry.wsUrl);
    const frames = texts(await collectFrames(ws, query('YF有几个?')));
    ws.close();
    expect(frames).toContain(
      "最终SQL语句: SELECT COUNT(*) AS n FROM departments WHERE name = '研发中心'",
    );
    expect(JSON.parse(frames.at(-1) as string)).toEqual({
      status: 'success',
      sql: "SELECT COUNT(*) AS n FROM departments WHERE name = '研发中心'",
      result: [{ n: 1 }],
    });
  });
});

describe.each(targets)('/ws when the model is unreachable, on %s', (_name, target) => {
  let quarry: TestQuarry;
  let drop: (() => Promise<void>) | undefined;
  let leave: (() => Promise<unknown>) | undefined;
  beforeAll(async () => {
    const prepared = await target();
    drop = prepared.drop;
    quarry = await startTestQuarry({
      ...prepared.env,
      OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
    });
    leave = await prepared.join?.(quarry);
  });
  afterAll(async () => {
    await leave?.();
    await quarry?.close();
    await drop?.();
  });

  it('reports the exception and closes with the error frame', async () => {
    const ws = await connect(quarry.wsUrl);
    const frames = texts(await collectFrames(ws, query('RD部门有多少员工?')));
    ws.close();
    expect(frames).toHaveLength(4);
    expect(frames.slice(0, 2)).toEqual([seedMessages.received, seedMessages.generating]);
    expect(frames[2]).toMatch(/^查询处理过程中发生异常: .*127\.0\.0\.1/);
    const closing = JSON.parse(frames[3] as string) as { status: string; message: string };
    expect(closing.status).toBe('error');
    expect(frames[2]).toBe(`查询处理过程中发生异常: ${closing.message}`);
  });
});
