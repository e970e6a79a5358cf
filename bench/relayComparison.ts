import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type WebSocket from 'ws';
import { collectFrames, connect, isClosingEvent, query } from '../test/support/quarry.js';
import type { ModelTiming } from './fakeModelProcess.js';
import { percentile } from './stats.js';

/**
 * Quarry beside a minimal relay (`relay.ts`), measured from outside: the server, the fake model
 * and the clients (this process) are three processes, so the server's own process times are
 * its cost alone. CPU per ask is the server's utime + stime over the measured rounds only,
 * minus what it spends idle over as long; latency is each ask's time from the client's query
 * to its result frame minus the model's time for it (request received → reply ended). Both
 * servers are measured in turn at each concurrency, `repeats` times, interleaved.
 */
const SQL =
  "SELECT d.name, COUNT(*) AS headcount FROM employees e JOIN departments d ON d.id = e.department_id WHERE d.name = 'RD' GROUP BY d.name";
const REPLY = `\`\`\`sql\n${SQL}\n\`\`\``;
const ROOT = resolve(import.meta.dirname, '..');
const IDLE_MS = 5000;
/** Asks measured per concurrency: rounds of `concurrency` simultaneous asks. */
const ROUNDS: Record<number, number> = { 1: 30, 10: 5, 100: 3 };
export const CONCURRENCIES = [1, 10, 100] as const;

export interface ServerFigures {
  /** Milliseconds of server CPU per ask, by concurrency. */
  cpuPerAsk: Record<number, number>;
  /** Server-added latency by concurrency. */
  latency: Record<number, { p50: number; p95: number }>;
}

export interface RelayComparison {
  quarry: ServerFigures;
  relay: ServerFigures;
  repeats: number;
}

interface Target {
  name: 'quarry' | 'relay';
  process: ChildProcess;
  wsUrl: string;
  /** CPU milliseconds per wall-clock millisecond while idle. */
  idlePerMs?: number;
}

export async function measureRelayComparison(repeats = 2): Promise<RelayComparison> {
  const dir = await mkdtemp(join(tmpdir(), 'quarry-relay-bench-'));
  const children: ChildProcess[] = [];
  try {
    const model = spawnTs('bench/fakeModelProcess.ts', dir, { BENCH_REPLY: REPLY });
    children.push(model);
    const { baseUrl } = (await message(model, 'ready')) as { baseUrl: string };
    const quarry = await startQuarry(dir, baseUrl);
    children.push(quarry.process);
    const relay = await startRelay(dir, baseUrl);
    children.push(relay.process);

    const samples = { quarry: emptySamples(), relay: emptySamples() };
    for (let repeat = 0; repeat < repeats; repeat += 1) {
      for (const concurrency of CONCURRENCIES) {
        for (const target of repeat % 2 === 0 ? [quarry, relay] : [relay, quarry]) {
          const run = await measure(target, model, concurrency);
          samples[target.name].cpu[concurrency]?.push(run.cpuPerAsk);
          samples[target.name].latency[concurrency]?.push(...run.latencies);
        }
      }
    }
    return { quarry: figures(samples.quarry), relay: figures(samples.relay), repeats };
  } finally {
    for (const child of children.reverse()) {
      if (child.exitCode !== null) continue;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  }
}

function emptySamples() {
  return {
    cpu: Object.fromEntries(CONCURRENCIES.map((c) => [c, [] as number[]])),
    latency: Object.fromEntries(CONCURRENCIES.map((c) => [c, [] as number[]])),
  };
}

function figures(samples: ReturnType<typeof emptySamples>): ServerFigures {
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  return {
    cpuPerAsk: Object.fromEntries(CONCURRENCIES.map((c) => [c, mean(samples.cpu[c] ?? [])])),
    latency: Object.fromEntries(
      CONCURRENCIES.map((c) => [
        c,
        {
          p50: percentile(samples.latency[c] ?? [], 50),
          p95: percentile(samples.latency[c] ?? [], 95),
        },
      ]),
    ),
  };
}

async function measure(target: Target, model: ChildProcess, concurrency: number) {
  const pid = target.process.pid as number;
  const sockets = await Promise.all(
    Array.from({ length: concurrency }, () => connect(target.wsUrl)),
  );
  const round = (label: string) =>
    Promise.all(
      sockets.map(async (ws: WebSocket, i) => {
        const marker = `${target.name}-${label}-${concurrency}-${i}-${Math.random().toString(36).slice(2, 8)}`;
        const sentAt = performance.now();
        const frames = await collectFrames(
          ws,
          query(`${marker} 研发中心员工`, { user: `bench-user-${i}` }),
          isClosingEvent,
          120_000,
        );
        const last = JSON.parse(frames.at(-1)?.text ?? '{}') as { type?: string };
        if (last.type !== 'result') throw new Error(`${target.name}: ${frames.at(-1)?.text}`);
        return { marker, total: (frames.at(-1)?.at ?? sentAt) - sentAt };
      }),
    );
  // Warm-up rounds (ten asks at least) open connections, fill caches and let the JIT settle.
  for (let r = 0; r < Math.ceil(10 / concurrency); r += 1) await round(`warm-up${r}`);
  await modelTimings(model);
  // The server's cost when nothing happens (timers, GC), measured once per server: the clock
  // ticks in 10 ms steps, so a short window would subtract a whole tick's noise.
  target.idlePerMs ??= await idleCpuPerMs(pid);
  const idlePerMs = target.idlePerMs;

  const asks: { marker: string; total: number }[] = [];
  const started = performance.now();
  const cpuStart = cpuMs(pid);
  for (let r = 0; r < (ROUNDS[concurrency] ?? 1); r += 1) asks.push(...(await round(`r${r}`)));
  const cpu = cpuMs(pid) - cpuStart - idlePerMs * (performance.now() - started);
  for (const ws of sockets) ws.close();

  const timings = await modelTimings(model);
  const latencies = asks.map((ask) => {
    const timing = timings.find((t) => t.lastUser.includes(ask.marker));
    if (!timing) throw new Error(`no model call for ${ask.marker}`);
    return ask.total - timing.modelMs;
  });
  return { cpuPerAsk: Math.max(0, cpu) / asks.length, latencies };
}

async function idleCpuPerMs(pid: number): Promise<number> {
  const start = cpuMs(pid);
  await new Promise((done) => setTimeout(done, IDLE_MS));
  return (cpuMs(pid) - start) / IDLE_MS;
}

const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

/** The process's user + system CPU time so far, from /proc/<pid>/stat (fields 14 and 15). */
function cpuMs(pid: number): number {
  const stat = execStat(pid);
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

function execStat(pid: number): string {
  return readFileSync(`/proc/${pid}/stat`, 'utf8');
}

async function modelTimings(model: ChildProcess): Promise<ModelTiming[]> {
  const reply = message(model, 'report');
  model.send('report');
  return ((await reply) as { timings: ModelTiming[] }).timings;
}

function message(child: ChildProcess, type: string): Promise<unknown> {
  return new Promise((resolvePromise, reject) => {
    const onMessage = (value: unknown) => {
      if ((value as { type?: string }).type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolvePromise(value);
    };
    const onExit = () => reject(new Error(`a bench process exited before "${type}"`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

function spawnTs(entry: string, cwd: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, entry)], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
}

async function startQuarry(dir: string, modelUrl: string): Promise<Target> {
  const port = await freePort();
  const child = spawnTs('server/src/main.ts', dir, {
    PORT: String(port),
    OPENAI_BASE_URL: modelUrl,
    OPENAI_API_KEY: 'bench',
    LLM_MODEL: 'bench-model',
    ADMIN_TOKEN: 'bench-admin-token-0123456789',
    ASK_INTENT_CLASSIFICATION: 'false',
    ASK_REASONING: 'false',
    ASK_ANSWER: 'false',
    ASK_CHART: 'false',
    ASK_FOLLOW_UPS: 'false',
    // The default level, as in production (stdout goes to /dev/null here).
    LOG_LEVEL: 'info',
  });
  await waitForHealth(child, `http://127.0.0.1:${port}/health`);
  return { name: 'quarry', process: child, wsUrl: `ws://127.0.0.1:${port}/ws?format=json` };
}

async function startRelay(dir: string, modelUrl: string): Promise<Target> {
  const port = await freePort();
  const database = join(dir, 'data', 'demo.sqlite');
  await readFile(database); // Quarry built it at start; the relay reads the same data.
  const child = spawnTs('bench/relay.ts', dir, {
    PORT: String(port),
    OPENAI_BASE_URL: modelUrl,
    RELAY_DATABASE: database,
  });
  await message(child, 'ready');
  return { name: 'relay', process: child, wsUrl: `ws://127.0.0.1:${port}/ws` };
}

async function waitForHealth(child: ChildProcess, url: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error('the server did not start');
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((done) => setTimeout(done, 100));
  }
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}
