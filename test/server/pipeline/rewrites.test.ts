import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { routeByPrompt } from '../../fakes/openaiServer.js';
import { ADMIN_HEADERS } from '../../support/adminToken.js';
import {
  collectFrames,
  connect,
  isClosingEvent,
  outcomeEvent,
  query,
  startTestQuarry,
  type TestQuarry,
} from '../../support/quarry.js';

async function api(quarry: TestQuarry, method: string, path: string, body?: unknown) {
  const response = await fetch(`${quarry.baseUrl}${path}`, {
    method,
    headers: ADMIN_HEADERS,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies field by field
  return { status: response.status, body: (await response.json()) as any };
}

async function askEvents(quarry: TestQuarry, question: string) {
  const ws = await connect(`${quarry.wsUrl}?format=json`);
  const frames = await collectFrames(ws, query(question), isClosingEvent);
  ws.close();
  return frames.map(
    (frame) => JSON.parse(frame.text) as Record<string, unknown> & { type: string },
  );
}

const SCOPED_SQL =
  'SELECT COUNT(*) AS n FROM employees e JOIN departments d ON d.id = e.department_id WHERE d.name = "RD" AND e.title <> \'RD\'';

describe('dictionary rewrites in an ask', () => {
  let quarry: TestQuarry;
  beforeAll(async () => {
    quarry = await startTestQuarry();
    const found = await api(quarry, 'GET', '/api/dictionaries/department?q=RD');
    const rd = found.body.items.find(
      (entry: { abbreviation: string }) => entry.abbreviation === 'RD',
    );
    const scoped = await api(quarry, 'PUT', `/api/dictionaries/department/${rd.id}`, {
      columns: ['departments.name'],
    });
    expect(scoped.status).toBe(200);
    expect(scoped.body.columns).toEqual(['departments.name']);
  });
  afterEach(() => quarry.fake.reset());
  afterAll(() => quarry?.close());

  it('rewrites only the literal compared with the scoped column, even double-quoted on SQLite, and records it', async () => {
    quarry.fake.onChat(
      routeByPrompt([[/TASK: SQL GENERATION/, `\`\`\`sql\n${SCOPED_SQL}\n\`\`\``]]),
    );
    const events = await askEvents(quarry, '研发中心有多少员工');
    const expected =
      "SELECT COUNT(*) AS n FROM employees e JOIN departments d ON d.id = e.department_id WHERE d.name = '研发中心' AND e.title <> 'RD'";
    const rewrites = [
      { before: 'RD', after: '研发中心', dictionary: 'department', column: 'departments.name' },
    ];
    expect(events.find((event) => event.type === 'sql')).toMatchObject({ sql: expected, rewrites });
    expect(outcomeEvent(events)).toMatchObject({ type: 'result', sql: expected });
    const rows = outcomeEvent(events)?.rows as Array<{ n: number }>;
    expect(rows[0]?.n).toBeGreaterThan(0);

    const id = events[0]?.ask_id as string;
    let record = (await api(quarry, 'GET', `/api/asks/${id}`)).body;
    for (let i = 0; i < 50 && record.status !== 'finished'; i += 1) {
      await new Promise((done) => setTimeout(done, 20));
      record = (await api(quarry, 'GET', `/api/asks/${id}`)).body;
    }
    expect(record.rewrites).toEqual(rewrites);
    expect(record.correction_count).toBe(0);
    expect(record.details.attempts).toEqual([{ attempt: 0, sql: expected }]);
    expect(record.details.retrieved_tables).toContain('departments');
  });

  it('the console preview rewrites as an ask would and lists the rewrites', async () => {
    const preview = await api(quarry, 'POST', '/api/dictionaries/preview', { sql: SCOPED_SQL });
    expect(preview.body.sql).toContain("d.name = '研发中心' AND e.title <> 'RD'");
    expect(preview.body.rewrites).toHaveLength(1);
  });

  it('stops correcting when a rewrite repeats SQL already tried, says so, and speaks English to an English question', async () => {
    quarry.fake.onChat(
      routeByPrompt([
        [/TASK: SQL DIAGNOSIS/, 'The column does not exist.'],
        [/TASK: SQL CORRECTION/, '```sql\nSELECT nme  FROM departments\n```'],
        [/TASK: SQL GENERATION/, '```sql\nSELECT nme FROM departments\n```'],
      ]),
    );
    const events = await askEvents(quarry, 'List the names of the departments');
    const corrections = quarry.fake.chatRequests.filter((request) =>
      request.system.includes('TASK: SQL CORRECTION'),
    );
    expect(corrections).toHaveLength(1);
    const failures = events.filter((event) => event.type === 'execution_failed');
    expect(failures.map((event) => event.attempt)).toEqual([0, 1]);
    expect(failures[1]?.error).toMatch(/repeated SQL that was already tried/);
    expect(outcomeEvent(events)).toMatchObject({ type: 'error', code: 'DRY_RUN_FAILED' });
    expect(outcomeEvent(events)?.message).toMatch(/stopped correcting/);
    const statuses = events.filter((event) => event.type === 'status');
    expect(statuses[0]?.message).toBe('Processing the question...');
    for (const status of statuses) expect(status.message).not.toMatch(/\p{Script=Han}/u);
  });

  it('an edit landing mid-ask leaves that ask on the knowledge it started with; the next ask sees it', async () => {
    const rd = (await api(quarry, 'GET', '/api/dictionaries/department?q=RD')).body.items.find(
      (entry: { abbreviation: string }) => entry.abbreviation === 'RD',
    );
    const rename = (fullName: string) =>
      api(quarry, 'PUT', `/api/dictionaries/department/${rd.id}`, { full_name: fullName });
    // While the model writes the first ask's SQL, an admin renames what RD stands for; the
    // ask's dictionary rewrite runs after that and must still use what it started with.
    let edited = false;
    quarry.fake.onChat(async () => {
      if (!edited) {
        edited = true;
        expect((await rename('研发部')).status).toBe(200);
      }
      return `\`\`\`sql\n${SCOPED_SQL}\n\`\`\``;
    });
    try {
      const during = outcomeEvent(await askEvents(quarry, '研发中心有多少员工'));
      expect(during).toMatchObject({ type: 'result' });
      expect(during?.sql).toContain("d.name = '研发中心'");
      expect(edited).toBe(true);

      const after = outcomeEvent(await askEvents(quarry, '研发部有多少员工'));
      expect(after?.sql).toContain("d.name = '研发部'");
    } finally {
      expect((await rename('研发中心')).status).toBe(200);
    }
  });
});
