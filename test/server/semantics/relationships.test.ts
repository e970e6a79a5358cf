import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { routeByPrompt } from '../../fakes/openaiServer.js';
import { ADMIN_HEADERS } from '../../support/adminToken.js';
import {
  collectFrames,
  connect,
  isClosingEvent,
  query,
  startTestQuarry,
  type TestQuarry,
} from '../../support/quarry.js';

type Json = Record<string, unknown> & { type?: string };

/** A company database that declares no foreign keys at all. */
const SCHEMA = `
CREATE TABLE staff (id INTEGER PRIMARY KEY, full_name TEXT NOT NULL, team_code TEXT NOT NULL);
CREATE TABLE teams (code TEXT PRIMARY KEY, title TEXT NOT NULL, floor INTEGER NOT NULL);
CREATE TABLE badges (id INTEGER PRIMARY KEY, staff_id INTEGER NOT NULL, issued TEXT NOT NULL);
CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL NOT NULL, paid_on TEXT);
INSERT INTO teams VALUES ('PLT', 'Platform', 3), ('APP', 'Applications', 4);
INSERT INTO staff VALUES (1, 'Ada', 'PLT'), (2, 'Grace', 'APP'), (3, 'Linus', 'PLT');
INSERT INTO badges VALUES (1, 1, '2026-01-02'), (2, 3, '2026-02-03');
INSERT INTO invoices VALUES (1, 120.5, '2026-03-01');
`;

describe('relationships where the database declares no foreign keys', () => {
  let quarry: TestQuarry;
  let path: string;

  async function api(method: string, route: string, body?: unknown) {
    const response = await fetch(`${quarry.baseUrl}/api/datasources/${route}`, {
      method,
      headers: ADMIN_HEADERS,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies field by field
    return { status: response.status, body: (text ? JSON.parse(text) : null) as any };
  }

  async function ask(question: string) {
    const ws = await connect(`${quarry.wsUrl}?format=json`);
    try {
      const frames = await collectFrames(
        ws,
        query(question, { datasource: 'office' }),
        isClosingEvent,
      );
      return frames.map((frame) => JSON.parse(frame.text) as Json);
    } finally {
      ws.close();
    }
  }

  const generationSchema = () =>
    quarry.fake.chatRequests
      .find((request) => request.system.includes('TASK: SQL GENERATION'))
      ?.system.split('### DATABASE SCHEMA')[1] ?? '';

  beforeAll(async () => {
    quarry = await startTestQuarry();
    path = join(quarry.dir, 'office.sqlite');
    const db = new Database(path);
    db.exec(SCHEMA);
    db.close();
    const created = await api('POST', '', { name: 'office', url: `sqlite:${path}` });
    expect(created.status).toBe(201);
  });
  afterEach(() => quarry.fake.reset());
  afterAll(() => quarry?.close());

  it('suggests joins by name and type, and an accepted suggestion is no longer suggested', async () => {
    const suggested = await api('GET', 'office/relationships/suggestions');
    expect(suggested.body.items).toEqual([
      {
        from_table: 'badges',
        from_columns: ['staff_id'],
        to_table: 'staff',
        to_columns: ['id'],
        kind: 'many_to_one',
      },
    ]);
    const accepted = await api('POST', 'office/relationships', suggested.body.items[0]);
    expect(accepted.status).toBe(201);
    expect(accepted.body).toMatchObject({ source: 'defined', problem: null });
    expect((await api('GET', 'office/relationships/suggestions')).body.items).toEqual([]);
    expect((await api('GET', 'office/relationships')).body.items).toHaveLength(1);
  });

  it('refuses a relationship over a column that does not exist, naming it', async () => {
    const refused = await api('POST', 'office/relationships', {
      from_table: 'staff',
      from_columns: ['team'],
      to_table: 'teams',
      to_columns: ['code'],
      kind: 'many_to_one',
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({
      message: 'The table staff has no column team.',
      fields: { from_columns: 'The table staff has no column team.' },
    });
  });

  it('a defined relationship brings the partner table into retrieval and its join into the DDL', async () => {
    const written = 'SELECT full_name FROM staff';
    quarry.fake.onChat(routeByPrompt([[/TASK: SQL GENERATION/, `\`\`\`sql\n${written}\n\`\`\``]]));
    const before = await ask('list the full names of the staff');
    expect(before.find((event) => event.type === 'retrieved')?.tables).toEqual(['staff', 'badges']);
    expect(generationSchema()).not.toContain('teams');
    quarry.fake.reset();

    const created = await api('POST', 'office/relationships', {
      from_table: 'staff',
      from_columns: ['team_code'],
      to_table: 'teams',
      to_columns: ['code'],
      kind: 'many_to_one',
    });
    expect(created.status).toBe(201);
    quarry.fake.onChat(routeByPrompt([[/TASK: SQL GENERATION/, `\`\`\`sql\n${written}\n\`\`\``]]));
    const after = await ask('list the full names of the staff');
    expect(after.find((event) => event.type === 'retrieved')?.tables).toEqual([
      'staff',
      'badges',
      'teams',
    ]);
    const ddl = generationSchema();
    expect(ddl).toContain('CREATE TABLE "teams"');
    expect(ddl).toContain('-- JOIN "teams" ON "staff"."team_code" = "teams"."code" (many_to_one)');
    expect(ddl).toContain('-- JOIN "staff" ON "badges"."staff_id" = "staff"."id" (many_to_one)');
  });

  it('a metric over a column the schema drops is flagged with the problem and leaves the model’s view', async () => {
    const metric = await api('POST', 'office/metrics', {
      name: 'teams_per_floor',
      description: 'Teams per floor',
      sql: 'SELECT floor, COUNT(*) AS teams FROM teams GROUP BY floor',
    });
    expect(metric.status).toBe(201);
    expect(metric.body.columns).toEqual([
      { name: 'floor', type: 'INTEGER' },
      { name: 'teams', type: 'INTEGER' },
    ]);

    const db = new Database(path);
    db.exec('ALTER TABLE teams DROP COLUMN floor');
    db.close();

    const listed = (await api('GET', 'office/metrics')).body.items;
    expect(listed).toEqual([
      expect.objectContaining({
        name: 'teams_per_floor',
        problem: expect.stringMatching(
          /^The metric's SQL does not run on data source office: .*floor/,
        ),
        // The same as a code, for the console to say in the admin's language.
        problem_reason: {
          code: 'sql_does_not_run',
          params: { datasource: 'office', detail: expect.stringMatching(/floor/) },
        },
      }),
    ]);
    quarry.fake.onChat(
      routeByPrompt([[/TASK: SQL GENERATION/, '```sql\nSELECT title FROM teams\n```']]),
    );
    const events = await ask('teams per floor');
    expect(events.find((event) => event.type === 'retrieved')?.tables).not.toContain(
      'teams_per_floor',
    );
    expect(generationSchema()).not.toContain('METRIC');

    // Putting the column back clears the flag on the next look.
    const restore = new Database(path);
    restore.exec('ALTER TABLE teams ADD COLUMN floor INTEGER NOT NULL DEFAULT 3');
    restore.close();
    expect((await api('GET', 'office/metrics')).body.items[0]).toMatchObject({
      problem: null,
      problem_reason: null,
    });
  });
});
