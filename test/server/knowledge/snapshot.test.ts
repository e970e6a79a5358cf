import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createOutageLog } from '../../../server/src/asks/outage.js';
import type { KnowledgeStore } from '../../../server/src/knowledge/port.js';
import {
  createKnowledgeSnapshots,
  type KnowledgeSnapshots,
} from '../../../server/src/knowledge/snapshot.js';
import { openKnowledgeStore } from '../../../server/src/knowledge/store.js';
import { type AppDatabase, createAppDatabase, silentLogger } from './appDatabase.js';

const outage = () => createOutageLog(silentLogger, { down: 'down', up: 'up' });

/**
 * Two stores on one app database stand for two processes: what `here` writes is announced to
 * its own snapshots at once; what `elsewhere` writes reaches them only by a notice or the
 * periodic revision check.
 */
describe('the knowledge snapshot', () => {
  let db: AppDatabase;
  let here: KnowledgeStore;
  let elsewhere: KnowledgeStore;
  const opened: KnowledgeSnapshots[] = [];
  const snapshotsOf = (store: KnowledgeStore, checkEveryMs: number) => {
    const snapshots = createKnowledgeSnapshots({ store, outage: outage(), checkEveryMs });
    opened.push(snapshots);
    return snapshots;
  };

  beforeAll(async () => {
    db = await createAppDatabase('sqlite', 'snapshot');
    here = await openKnowledgeStore({ url: db.url, logger: silentLogger });
    elsewhere = await openKnowledgeStore({ url: db.url, logger: silentLogger });
    await here.datasources.ensureDefault('sqlite:/nowhere/demo.sqlite');
  });
  afterEach(() => {
    for (const snapshots of opened.splice(0)) snapshots.close();
  });
  afterAll(async () => {
    await here?.close();
    await elsewhere?.close();
    await db?.drop();
  });

  test('answers from memory until told of a change; a write in this process tells it at once', async () => {
    const snapshots = snapshotsOf(here, 0);
    const first = await snapshots.current();
    expect(first.dataSourceUrl('default')).toBe('sqlite:/nowhere/demo.sqlite');
    expect(first.verifiedSql('Headcount?', 'default')).toBeUndefined();

    // Another process's write, with no notice and no check: the snapshot is not read again.
    await elsewhere.sqlPairs.create({
      question: 'headcount',
      sql: 'SELECT COUNT(*) FROM employees',
      datasource: 'default',
    });
    expect(await snapshots.current()).toBe(first);

    // A notice (as Redis delivers one) makes the next read current.
    snapshots.changed();
    const noticed = await snapshots.current();
    expect(noticed.revision).toBeGreaterThan(first.revision);
    expect(noticed.verifiedSql('Headcount?', 'default')).toBe('SELECT COUNT(*) FROM employees');

    // This process's own writes need no notice from outside.
    await here.instructions.create({ text: 'Amounts are in CNY.', scope: 'global', questions: [] });
    await here.dictionaries.department.create({ abbreviation: 'RD', full_name: '研发中心' });
    await here.schemaDescriptions.change('default', 'salaries', null, { hidden: true });
    await here.datasources.create({ name: 'sales', url: 'sqlite:/nowhere/sales.sqlite' });
    const edited = await snapshots.current();
    expect(edited.instructions.map((instruction) => instruction.text)).toEqual([
      'Amounts are in CNY.',
    ]);
    expect(edited.dictionaries.department.get('RD')).toBe('研发中心');
    expect(edited.descriptions('default')).toMatchObject([{ table: 'salaries', hidden: true }]);
    expect(edited.dataSourceUrl('sales')).toBe('sqlite:/nowhere/sales.sqlite');
    expect(await snapshots.current()).toBe(edited);
  });

  test('the periodic revision check picks up what no notice announced', async () => {
    const snapshots = snapshotsOf(here, 100);
    const before = await snapshots.current();
    await elsewhere.instructions.create({
      text: 'Weeks start on Monday.',
      scope: 'global',
      questions: [],
    });
    await expect
      .poll(async () => (await snapshots.current()).instructions.map((i) => i.text), {
        timeout: 1000,
        interval: 20,
      })
      .toContain('Weeks start on Monday.');
    expect((await snapshots.current()).revision).toBeGreaterThan(before.revision);
  });

  test('the historical match index follows verification: pairs, 👍, reviews, broken pairs', async () => {
    const snapshots = snapshotsOf(here, 0);
    const ask = await here.asks.create({
      question: '各部门的人数',
      source: 'ws',
      datasource: 'default',
    });
    // History writes are not knowledge: an answer becomes verified SQL only by a 👍.
    await here.asks.update(ask, { status: 'finished', sql: 'SELECT dept, COUNT(*) FROM e' });
    expect((await snapshots.current()).verifiedSql('各部门的人数？', 'default')).toBeUndefined();
    await here.asks.recordFeedback(ask, { rating: 'up' });
    expect((await snapshots.current()).verifiedSql('各部门的人数？', 'default')).toBe(
      'SELECT dept, COUNT(*) FROM e',
    );
    // An admin who rejects it takes it back; a 👎 would too.
    await here.asks.update(ask, { review_status: 'rejected' });
    expect((await snapshots.current()).verifiedSql('各部门的人数', 'default')).toBeUndefined();
    await here.asks.update(ask, { review_status: null });
    expect((await snapshots.current()).verifiedSql('各部门的人数', 'default')).toBeDefined();
    await here.asks.recordFeedback(ask, { rating: 'down' });
    expect((await snapshots.current()).verifiedSql('各部门的人数', 'default')).toBeUndefined();

    // A pair whose SQL broke answers nothing, and is no sample either.
    const pair = await here.sqlPairs.create({
      question: 'projects by status',
      sql: 'SELECT status, COUNT(*) FROM projects GROUP BY status',
      datasource: 'default',
    });
    expect((await snapshots.current()).verifiedSql('Projects by status', 'default')).toBeDefined();
    await here.sqlPairs.setBroken(pair.id, { code: 'sql_does_not_run' });
    const broken = await snapshots.current();
    expect(broken.verifiedSql('Projects by status', 'default')).toBeUndefined();
    expect(broken.sqlPairs.map((p) => p.question)).not.toContain('projects by status');
  });

  test('a read that began before a notice is not taken as current', async () => {
    const snapshots = snapshotsOf(here, 0);
    await snapshots.current();
    // The notice arrives while the first read after it is still in flight.
    snapshots.changed();
    const inFlight = snapshots.current();
    await elsewhere.instructions.create({ text: 'Late edit.', scope: 'global', questions: [] });
    snapshots.changed();
    await inFlight;
    expect((await snapshots.current()).instructions.map((i) => i.text)).toContain('Late edit.');
  });
});
