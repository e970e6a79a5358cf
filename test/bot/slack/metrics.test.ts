import { afterEach, describe, expect, it } from 'vitest';
import { routeByPrompt } from '../../fakes/openaiServer.js';
import { sample, scrape } from '../../support/prometheus.js';
import { startTestQuarry, type TestQuarry } from '../../support/quarry.js';
import {
  type BotHarness,
  blocksOf,
  freePort,
  isFinal,
  repliesIn,
  replyTs,
  startBotHarness,
} from '../support/botHarness.js';
import { eventCallback, messageTs } from '../support/slackRequests.js';

const SQL = 'SELECT name FROM departments ORDER BY id LIMIT 3';

describe('the standalone bot’s /metrics (npm run bot)', { timeout: 60_000 }, () => {
  let quarry: TestQuarry | undefined;
  let harness: BotHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    await quarry?.close();
    harness = undefined;
    quarry = undefined;
  });

  const startQuarry = async () => {
    quarry = await startTestQuarry();
    quarry.fake.onChat(routeByPrompt([[/TASK: SQL GENERATION/, `\`\`\`sql\n${SQL}\n\`\`\``]]));
    return quarry;
  };

  it('counts each Slack Web API call and 429, on the events port beside /slack/events', async () => {
    const server = await startQuarry();
    harness = await startBotHarness({ serverUrl: server.wsUrl, standalone: true });
    const { slack } = harness;
    const metricsUrl = `http://127.0.0.1:${harness.bot.port}`;
    // The first reply is refused once with a 429: the bot waits it out and posts again.
    slack.script('chat.postMessage', { status: 429, retryAfter: 1 });

    const threadTs = await harness.mention('前三个部门');
    await slack.waitFor(() => repliesIn(slack, threadTs).some((call) => call.outcome === 'ok'));
    const ts = replyTs(slack, threadTs);
    await slack.waitFor(() => isFinal(blocksOf(slack.messages.get(ts) ?? { blocks: [] })), 20_000);

    const text = await scrape(metricsUrl);
    const series = (method: string, outcome: string) =>
      `quarry_slack_api_calls_total{method="${method}",outcome="${outcome}"}`;
    const answered = (method: string, outcome: string) =>
      slack.callsTo(method).filter((call) => call.outcome === outcome).length;
    expect(sample(text, series('chat.postMessage', 'rate_limited'))).toBe(1);
    expect(sample(text, 'quarry_slack_rate_limited_total{method="chat.postMessage"}')).toBe(1);
    // Every call Slack answered is counted once, as Slack saw it.
    expect(answered('chat.postMessage', 'ok')).toBeGreaterThan(0);
    await expect
      .poll(async () => sample(await scrape(metricsUrl), series('chat.postMessage', 'ok')))
      .toBe(answered('chat.postMessage', 'ok'));
    expect(answered('chat.update', 'ok')).toBeGreaterThan(0);
    await expect
      .poll(async () => sample(await scrape(metricsUrl), series('chat.update', 'ok')))
      .toBe(answered('chat.update', 'ok'));
  });

  it('inside the server it serves no /metrics of its own (its counters are on the server’s)', async () => {
    const server = await startQuarry();
    harness = await startBotHarness({ serverUrl: server.wsUrl });
    const response = await fetch(`http://127.0.0.1:${harness.bot.port}/metrics`);
    expect(response.status).toBe(404);
  });

  it('serves /metrics on SLACK_PORT in Socket Mode, where it has no events port', async () => {
    const server = await startQuarry();
    const port = await freePort();
    harness = await startBotHarness({
      serverUrl: server.wsUrl,
      socketMode: true,
      standalone: true,
      env: { SLACK_PORT: String(port) },
    });
    const { slack } = harness;
    await slack.waitFor(() => slack.socketConnections() === 1);
    const ts = messageTs();
    slack.sendSocketEvent(
      eventCallback({
        type: 'app_mention',
        user: 'UASKER',
        text: `<@${slack.botUserId}> 前三个部门`,
        ts,
        channel: 'CDATA',
      }),
    );
    await slack.waitFor(() => repliesIn(slack, ts).some((call) => call.outcome === 'ok'));
    await expect
      .poll(async () =>
        sample(
          await scrape(`http://127.0.0.1:${port}`),
          'quarry_slack_api_calls_total{method="chat.postMessage",outcome="ok"}',
        ),
      )
      .toBeGreaterThan(0);
  });
});
