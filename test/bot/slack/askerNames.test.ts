import type { AskRecord } from '@quarry/shared';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { routeByPrompt } from '../../fakes/openaiServer.js';
import { startTestQuarry, type TestQuarry } from '../../support/quarry.js';
import {
  type BotHarness,
  blocksOf,
  eventually,
  isFinal,
  repliesIn,
  replyTs,
  startBotHarness,
  tableRows,
} from '../support/botHarness.js';

describe("the asker's name in the ask history", () => {
  let quarry: TestQuarry;
  let harness: BotHarness;
  beforeAll(async () => {
    quarry = await startTestQuarry();
    quarry.fake.onChat(
      routeByPrompt([
        [/TASK: SQL GENERATION/, '```sql\nSELECT COUNT(*) AS n FROM departments\n```'],
      ]),
    );
  });
  // A bot per test: what it learnt about names (and refusals) must not leak into the next.
  beforeEach(async () => {
    harness = await startBotHarness({ serverUrl: quarry.wsUrl });
  });
  afterEach(async () => {
    await harness?.close();
  });
  afterAll(async () => {
    await quarry?.close();
  });

  /** Mentions the bot as `user` and waits for the final answer's table. */
  const ask = async (question: string, user: string) => {
    const { slack } = harness;
    const threadTs = await harness.mention(question, { user });
    await slack.waitFor(() => repliesIn(slack, threadTs).length === 1);
    const ts = replyTs(slack, threadTs);
    await slack.waitFor(() => isFinal(blocksOf(slack.messages.get(ts) ?? { blocks: [] })), 20_000);
    return tableRows(blocksOf(slack.messages.get(ts) ?? { blocks: [] }));
  };

  /** The finished ask the history has for this question. */
  const recorded = async (question: string): Promise<AskRecord> => {
    let found: AskRecord | undefined;
    await eventually(async () => {
      const { items } = await quarry.server.store.asks.list({ q: question });
      found = items.find((item) => item.question === question && item.status === 'finished');
      return found !== undefined;
    });
    return found as AskRecord;
  };

  it('records the display name beside the Slack id, asking Slack once for two questions', async () => {
    const { slack } = harness;
    slack.users.set('UADA', { name: 'ada', real_name: 'Ada Lovelace', display_name: 'Ada' });
    slack.users.set('UGRACE', { name: 'grace', real_name: 'Grace Hopper', display_name: '' });

    expect(await ask('how many departments, Ada asks?', 'UADA')).toEqual([['n'], ['14']]);
    expect(await ask('how many departments, Ada asks again?', 'UADA')).toEqual([['n'], ['14']]);
    expect(await ask('how many departments, Grace asks?', 'UGRACE')).toEqual([['n'], ['14']]);

    for (const question of [
      'how many departments, Ada asks?',
      'how many departments, Ada asks again?',
    ]) {
      expect(await recorded(question)).toMatchObject({
        source: 'slack',
        asked_by: 'UADA',
        asked_by_name: 'Ada',
      });
    }
    // No display name set: the real name.
    expect(await recorded('how many departments, Grace asks?')).toMatchObject({
      asked_by: 'UGRACE',
      asked_by_name: 'Grace Hopper',
    });
    expect(slack.callsTo('users.info').map((call) => call.body.user)).toEqual(['UADA', 'UGRACE']);
    // The console finds the asks by the name.
    const byName = await quarry.server.store.asks.list({ q: 'ada' });
    expect(byName.items.map((item) => item.question).sort()).toEqual([
      'how many departments, Ada asks again?',
      'how many departments, Ada asks?',
    ]);
  });

  it('answers with the id only when Slack will not say who asked (no users:read scope)', async () => {
    const { slack } = harness;
    slack.users.set('UADA', { name: 'ada', real_name: 'Ada Lovelace', display_name: 'Ada' });
    slack.rule('users.info', () => ({ error: 'missing_scope' }));

    expect(await ask('how many departments, without scope?', 'UADA')).toEqual([['n'], ['14']]);
    const record = await recorded('how many departments, without scope?');
    expect(record).toMatchObject({ asked_by: 'UADA', asked_by_name: null });
    expect(slack.callsTo('users.info').map((call) => call.outcome)).toEqual(['missing_scope']);

    // A refusal holds for everyone: the next asker is not looked up either, and still answered.
    expect(await ask('how many departments, someone else?', 'UOTHER')).toEqual([['n'], ['14']]);
    expect(await recorded('how many departments, someone else?')).toMatchObject({
      asked_by: 'UOTHER',
      asked_by_name: null,
    });
    expect(slack.callsTo('users.info')).toHaveLength(1);
  });

  it('answers with the id only for a user Slack does not know', async () => {
    const { slack } = harness;
    expect(await ask('how many departments, a stranger asks?', 'UGONE')).toEqual([['n'], ['14']]);
    expect(await recorded('how many departments, a stranger asks?')).toMatchObject({
      asked_by: 'UGONE',
      asked_by_name: null,
    });
    expect(slack.callsTo('users.info').map((call) => call.outcome)).toEqual(['user_not_found']);
  });
});
