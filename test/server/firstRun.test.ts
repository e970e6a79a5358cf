import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventCallback, postSigned } from '../bot/support/slackRequests.js';
import { type FakeOpenAI, routeByPrompt, startFakeOpenAI } from '../fakes/openaiServer.js';
import { type FakeSlack, startFakeSlack } from '../fakes/slackServer.js';
import { endGroup, spawnGroup } from '../support/processGroup.js';
import { collectFrames, connect, query } from '../support/quarry.js';

const ROOT = resolve(import.meta.dirname, '../..');

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * A checkout as a new user has it: the repository's code and installed packages, and no
 * `data/` or `.env` of a developer's. (Links, so nothing is copied or installed again.)
 */
async function freshCheckout(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'quarry-fresh-'));
  for (const entry of ['package.json', 'node_modules', 'shared', 'server', 'bot', 'admin']) {
    await symlink(join(ROOT, entry), join(dir, entry));
  }
  checkouts.push(dir);
  return dir;
}
const checkouts: string[] = [];

/**
 * Every `npm start` a test spawned, registered as it is spawned: a test that times out before
 * its server came up still has its process group ended.
 */
const spawned: ChildProcess[] = [];

/** `npm` with these arguments in a fresh checkout and a process group of its own. */
async function spawnNpm(args: string[], env: Record<string, string>): Promise<ChildProcess> {
  const child = spawnGroup('npm', args, {
    cwd: await freshCheckout(),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  spawned.push(child);
  return child;
}

/**
 * `npm start` in a fresh checkout with exactly these variables (plus PATH and HOME),
 * resolved once it has printed `readyLine`.
 */
async function npmStart(
  env: Record<string, string>,
  readyLine = 'Quarry is listening',
): Promise<{ port: number; output: () => string }> {
  const port = await freePort();
  const child = await spawnNpm(['start'], { PORT: String(port), ...env });
  let output = '';
  child.stdout?.on('data', (data: Buffer) => {
    output += data.toString();
  });
  child.stderr?.on('data', (data: Buffer) => {
    output += data.toString();
  });
  const deadline = Date.now() + 60_000;
  while (!output.includes(readyLine)) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`npm start did not come up:\n${output}`);
    await new Promise((done) => setTimeout(done, 100));
  }
  return { port, output: () => output };
}

// Each test starts `npm start` (npm, then tsx compiling the server) in a new process: on a
// loaded two-core machine that alone has taken 15–25 s, so the default 30 s is not enough.
describe('npm start on a fresh checkout', { timeout: 90_000 }, () => {
  let fake: FakeOpenAI | undefined;
  let slack: FakeSlack | undefined;
  afterEach(async () => {
    // npm runs tsx runs node: end the whole group, even where npm itself is gone.
    await Promise.all(spawned.splice(0).map((child) => endGroup(child)));
    await fake?.close();
    fake = undefined;
    await slack?.close();
    slack = undefined;
    for (const dir of checkouts.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it('answers a question about the demo database with only the model configured', async () => {
    fake = await startFakeOpenAI({ models: ['qwen2.5-coder'] });
    fake.onChat(
      routeByPrompt([
        [
          /TASK: INTENT/,
          JSON.stringify({ rephrased_question: 'RD部门有多少员工', intent: 'TEXT_TO_SQL' }),
        ],
        [/TASK: SQL REASONING/, '1. count the employees of RD'],
        [
          /TASK: SQL GENERATION/,
          "```sql\nSELECT COUNT(*) AS headcount FROM employees e JOIN departments d ON d.id = e.department_id WHERE d.name = 'RD'\n```",
        ],
      ]),
    );
    const started = await npmStart({ OPENAI_BASE_URL: fake.baseUrl, OPENAI_API_KEY: 'sk-test' });
    const ws = await connect(`ws://127.0.0.1:${started.port}/ws`);
    const frames = (await collectFrames(ws, query('RD部门有多少员工?'), undefined, 30_000)).map(
      (f) => f.text,
    );
    ws.close();
    const closing = JSON.parse(frames.at(-1) as string) as {
      status: string;
      result: { headcount: number }[];
    };
    expect(closing.status).toBe('success');
    expect(closing.result[0]?.headcount).toBeGreaterThan(0);
    expect(frames).toContain(
      "最终SQL语句: SELECT COUNT(*) AS headcount FROM employees e JOIN departments d ON d.id = e.department_id WHERE d.name = '研发中心'",
    );
    // The model was picked from the endpoint's list, as for Ollama or vLLM.
    expect(fake.chatRequests.every((request) => request.model === 'qwen2.5-coder')).toBe(true);
  });

  it('starts the Slack bot in the same process when Slack is configured', async () => {
    fake = await startFakeOpenAI({ models: ['qwen2.5-coder'] });
    fake.onChat(
      routeByPrompt([
        [/TASK: INTENT/, JSON.stringify({ rephrased_question: '部门数量', intent: 'TEXT_TO_SQL' })],
        [/TASK: SQL REASONING/, '1. count departments'],
        [/TASK: SQL GENERATION/, '```sql\nSELECT COUNT(*) AS n FROM departments\n```'],
      ]),
    );
    slack = await startFakeSlack();
    const slackPort = await freePort();
    const secret = 'first-run-signing-secret';
    await npmStart(
      {
        OPENAI_BASE_URL: fake.baseUrl,
        OPENAI_API_KEY: 'sk-test',
        SLACK_BOT_TOKEN: slack.botToken,
        SLACK_SIGNING_SECRET: secret,
        SLACK_API_URL: slack.apiUrl,
        SLACK_PORT: String(slackPort),
      },
      // The bot starts after the server listens: events can be posted once it listens too.
      'Slack bot listening',
    );
    const mention = eventCallback({
      type: 'app_mention',
      user: 'UASKER',
      text: `<@${slack.botUserId}> 一共有几个部门?`,
      ts: '1700000000.000100',
      channel: 'CDATA',
    });
    const posted = await postSigned(
      `http://127.0.0.1:${slackPort}/slack/events`,
      secret,
      JSON.stringify(mention),
      'application/json',
    );
    expect(posted.status).toBe(200);
    const current = slack;
    await current.waitFor(
      () =>
        [...current.messages.values()].some((message) =>
          JSON.stringify(message).includes('SELECT COUNT(*) AS n FROM departments'),
        ),
      20_000,
    );
    expect(current.callsTo('chat.postMessage')[0]?.body).toMatchObject({
      channel: 'CDATA',
      thread_ts: '1700000000.000100',
    });
  });

  it('starts with nothing configured and explains how to configure a model', async () => {
    const started = await npmStart({});
    // The admin token is generated and shown once, for the console.
    expect(started.output()).toMatch(
      /Admin token \(shown once; only its hash is stored, so keep it now\): \S{16,}/,
    );
    const health = await fetch(`http://127.0.0.1:${started.port}/health`);
    expect(health.status).toBe(200);
    const ws = await connect(`ws://127.0.0.1:${started.port}/ws`);
    const frames = (await collectFrames(ws, query('RD部门有多少员工?'))).map((f) => f.text);
    ws.close();
    const closing = JSON.parse(frames.at(-1) as string) as { status: string; message: string };
    expect(closing.status).toBe('error');
    expect(closing.message).toMatch(/OPENAI_API_KEY/);
    expect(closing.message).toMatch(/OPENAI_BASE_URL/);
    expect(frames.at(-2)).toBe(`查询处理过程中发生异常: ${closing.message}`);
  });

  it('refuses a bad configuration value with one line naming it', async () => {
    const child = await spawnNpm(['start', '--silent'], { SQL_REWRITE_MAX_ATTEMPTS: 'lots' });
    let stderr = '';
    child.stderr?.on('data', (data: Buffer) => {
      stderr += data.toString();
    });
    const [code] = await once(child, 'exit');
    expect(code).not.toBe(0);
    expect(stderr).toContain(
      'Invalid configuration: SQL_REWRITE_MAX_ATTEMPTS must be a whole number (got "lots")',
    );
  });
});
