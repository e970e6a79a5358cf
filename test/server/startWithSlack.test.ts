import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureDemoDatabase } from '../../server/src/demo/build.js';
import { blocksOf, freePort, isFinal, repliesIn, replyTs } from '../bot/support/botHarness.js';
import { eventCallback, messageTs, postEvent } from '../bot/support/slackRequests.js';
import { type FakeOpenAI, routeByPrompt, startFakeOpenAI } from '../fakes/openaiServer.js';
import { type FakeSlack, startFakeSlack } from '../fakes/slackServer.js';
import { endGroup, spawnGroup } from '../support/processGroup.js';
import { sample, scrape } from '../support/prometheus.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SIGNING_SECRET = 'signing-secret-of-the-in-process-bot';

/**
 * `npm start` with Slack tokens, as a process: its one reading of the environment starts the
 * server and the bot inside it, the bot talking to this server wherever PORT put it.
 */
describe('npm start with a Slack bot token', { timeout: 90_000 }, () => {
  let child: ChildProcess | undefined;
  let slack: FakeSlack | undefined;
  let model: FakeOpenAI | undefined;
  let dir = '';
  afterEach(async () => {
    // The server and whatever it started (tsx's esbuild service), even after a timed-out test.
    if (child) await endGroup(child);
    await slack?.close();
    await model?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
    child = undefined;
  });

  it('runs the bot in-process against its own server, counts its Slack calls on /metrics, and logs no Slack secret', async () => {
    dir = await mkdtemp(join(tmpdir(), 'quarry-start-slack-'));
    slack = await startFakeSlack();
    model = await startFakeOpenAI({ models: ['fake-sql-model'] });
    model.onChat(
      routeByPrompt([
        [/TASK: SQL GENERATION/, '```sql\nSELECT name FROM departments ORDER BY id LIMIT 3\n```'],
      ]),
    );
    const [port, slackPort] = [await freePort(), await freePort()];
    const demo = await ensureDemoDatabase(join(dir, 'demo.sqlite'));
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      PORT: String(port),
      DATABASE_URL: demo,
      APP_DATABASE_URL: `sqlite:${join(dir, 'app.sqlite')}`,
      QUARRY_SECRET_KEY: 'a-test-secret-key-0123456789',
      ADMIN_TOKEN: 'test-admin-token-0123456789',
      OPENAI_BASE_URL: model.baseUrl,
      OPENAI_API_KEY: 'test-key',
      ASK_INTENT_CLASSIFICATION: 'false',
      ASK_REASONING: 'false',
      ASK_ANSWER: 'false',
      ASK_CHART: 'false',
      ASK_FOLLOW_UPS: 'false',
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      SLACK_PORT: String(slackPort),
      LOG_LEVEL: 'debug',
    };
    delete env.QUARRY_SERVER_URL;
    delete env.REDIS_URL;
    child = spawnGroup(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const started = new Promise<void>((ready, fail) => {
      const timer = setTimeout(() => fail(new Error(`no bot:\n${output}`)), 60_000);
      const onData = (data: Buffer) => {
        output += data.toString();
        if (output.includes('Slack bot listening')) {
          clearTimeout(timer);
          ready();
        }
      };
      child?.stdout?.on('data', onData);
      child?.stderr?.on('data', onData);
      child?.once('exit', (code) => fail(new Error(`exited with ${code}:\n${output}`)));
    });
    await started;

    const threadTs = messageTs();
    const response = await postEvent(
      `http://127.0.0.1:${slackPort}/slack/events`,
      SIGNING_SECRET,
      eventCallback({
        type: 'app_mention',
        user: 'UASKER',
        text: `<@${slack.botUserId}> 前三个部门`,
        ts: threadTs,
        channel: 'CDATA',
      }),
    );
    expect(response.status).toBe(200);
    const fake = slack;
    await fake.waitFor(() => repliesIn(fake, threadTs).some((call) => call.outcome === 'ok'));
    const ts = replyTs(fake, threadTs);
    await fake.waitFor(() => isFinal(blocksOf(fake.messages.get(ts) ?? { blocks: [] })), 30_000);

    const baseUrl = `http://127.0.0.1:${port}`;
    // The bot asked this very server (QUARRY_SERVER_URL unset): the ask is counted here as Slack's.
    await expect
      .poll(async () =>
        sample(await scrape(baseUrl), 'quarry_asks_total{source="slack",outcome="finished"}'),
      )
      .toBe(1);
    const posted = fake.callsTo('chat.postMessage').filter((call) => call.outcome === 'ok');
    await expect
      .poll(async () =>
        sample(
          await scrape(baseUrl),
          'quarry_slack_api_calls_total{method="chat.postMessage",outcome="ok"}',
        ),
      )
      .toBe(posted.length);
    // Even at debug level, the bot's secrets never reach the server's log.
    expect(output.length).toBeGreaterThan(0);
    expect(output).not.toContain(slack.botToken);
    expect(output).not.toContain(SIGNING_SECRET);
  });
});
