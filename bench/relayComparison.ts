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
import { mainThreadCpuNs } from './processCpu.js';
import { benchQuarryEnv } from './quarryEnv.js';
import { percentile } from './stats.js';

/**
 * Quarry beside a minimal relay (`relay.ts`), measured from outside: the server, the fake model
 * and the clients (this process) are three processes, so the server's own process times are
 * its cost alone. CPU per ask is the server's utime + stime over the measured rounds only,
 * minus what it spends idle over as long; latency is each ask's time from the client's query
 * to its result frame minus the model's time for it (request received → reply ended);
 * before-model time is, per round, from the first query sent to the last model request
 * received, divided by the round's asks (one ask: its own time to the model; 100 at once: what
 * each ask adds to the queue before the model call, since that work runs one ask after another),
 * both as wall time and as the server's event-loop CPU (read by the fake model as each request
 * arrives; at 100 at once it also holds the first streams' work when the burst outlasts the
 * model's 200 ms to first token, so it is an upper bound there);
 * memory is the server's resident set after a warm-up and again after 1,000 asks. Both servers
 * are measured in turn at each concurrency, `repeats` times, interleaved.
 */
const SQL =
  "SELECT d.name, COUNT(*) AS headcount FROM employees e JOIN departments d ON d.id = e.department_id WHERE d.name = 'RD' GROUP BY d.name";
const REPLY = `\`\`\`sql\n${SQL}\n\`\`\``;
const ROOT = resolve(import.meta.dirname, '..');
const IDLE_MS = 5000;
/** Asks after the warm-up before the second memory reading. */
const MEMORY_ASKS = 1000;
/** Asks measured per concurrency: rounds of `concurrency` simultaneous asks. */
const ROUNDS: Record<number, number> = { 1: 30, 10: 5, 100: 3 };
export const CONCURRENCIES = [1, 10, 100] as const;

export interface ServerFigures {
  /** Milliseconds of server CPU per ask, by concurrency. */
  cpuPerAsk: Record<number, number>;
  /** Server-added latency by concurrency. */
  latency: Record<number, { p50: number; p95: number }>;
  /** Milliseconds per ask from the query to the model's request, by concurrency (see above). */
  beforeModelMs: Record<number, number>;
  /** The server's event-loop CPU over that time, per ask, by concurrency. */
  beforeModelCpu: Record<number, number>;
  /** Resident set in MiB after the warm-up and after MEMORY_ASKS asks more. */
  rss: { warm: number; after: number; asks: number };
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
  /** Asks answered so far. */
  asks: number;
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
    model.send({ type: 'watch', pids: [quarry.process.pid, relay.process.pid] });

    const samples = { quarry: emptySamples(), relay: emptySamples() };
    // Memory after a warm-up: connections open, caches filled, the JIT settled.
    for (const target of [quarry, relay]) {
      const { rounds, close } = await openRounds(target, 10);
      await rounds('memory-warm-up', 2).finally(close);
      samples[target.name].rss.warm = rssMiB(target);
      samples[target.name].rss.asksAtWarm = target.asks;
    }
    for (let repeat = 0; repeat < repeats; repeat += 1) {
      for (const concurrency of CONCURRENCIES) {
        for (const target of repeat % 2 === 0 ? [quarry, relay] : [relay, quarry]) {
          const run = await measure(target, model, concurrency);
          samples[target.name].cpu[concurrency]?.push(run.cpuPerAsk);
          samples[target.name].latency[concurrency]?.push(...run.latencies);
          samples[target.name].beforeModelMs[concurrency]?.push(...run.beforeModelMs);
          samples[target.name].beforeModelCpu[concurrency]?.push(...run.beforeModelCpu);
        }
      }
    }
    // The rounds above are most of the 1,000 asks; the rest come 100 at once.
    for (const target of [quarry, relay]) {
      const memory = samples[target.name].rss;
      const missing = memory.asksAtWarm + MEMORY_ASKS - target.asks;
      if (missing > 0) {
        const { rounds, close } = await openRounds(target, 100);
        await rounds('memory', Math.ceil(missing / 100)).finally(close);
      }
      await modelTimings(model);
      memory.after = rssMiB(target);
      memory.asks = target.asks - memory.asksAtWarm;
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
  const byConcurrency = () => Object.fromEntries(CONCURRENCIES.map((c) => [c, [] as number[]]));
  return {
    cpu: byConcurrency(),
    latency: byConcurrency(),
    beforeModelMs: byConcurrency(),
    beforeModelCpu: byConcurrency(),
    rss: { warm: 0, asksAtWarm: 0, after: 0, asks: 0 },
  };
}

function figures(samples: ReturnType<typeof emptySamples>): ServerFigures {
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  return {
    cpuPerAsk: Object.fromEntries(CONCURRENCIES.map((c) => [c, mean(samples.cpu[c] ?? [])])),
    beforeModelMs: Object.fromEntries(
      CONCURRENCIES.map((c) => [c, mean(samples.beforeModelMs[c] ?? [])]),
    ),
    beforeModelCpu: Object.fromEntries(
      CONCURRENCIES.map((c) => [c, mean(samples.beforeModelCpu[c] ?? [])]),
    ),
    rss: { warm: samples.rss.warm, after: samples.rss.after, asks: samples.rss.asks },
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

interface Round {
  asks: SentAsk[];
  /** The server's event-loop CPU (ns) just before the round's queries were sent. */
  cpuStartNs: number;
}

interface SentAsk {
  marker: string;
  /** Client's query → result frame, ms. */
  total: number;
  /** When the query was sent, ms since the epoch (timeOrigin + now, as the model reports). */
  sentAtMs: number;
}

/** `concurrency` open sockets, and rounds that send one query on each at once, `count` times. */
async function openRounds(target: Target, concurrency: number) {
  const sockets = await Promise.all(
    Array.from({ length: concurrency }, () => connect(target.wsUrl)),
  );
  const pid = target.process.pid as number;
  const round = async (label: string): Promise<Round> => {
    const cpuStartNs = mainThreadCpuNs(pid);
    const asks = await Promise.all(
      sockets.map(async (ws: WebSocket, i) => {
        const marker = `${target.name}-${label}-${concurrency}-${i}-${Math.random().toString(36).slice(2, 8)}`;
        const sentAt = performance.now();
        const frames = await collectFrames(
          ws,
          query(`${marker} 研发中心员工`, { user: `bench-user-${i}` }),
          isClosingEvent,
          120_000,
        );
        // Quarry's events mode ends with a terminal status after the result; the relay's last
        // frame is the result.
        const result = frames.find(
          (frame) => (JSON.parse(frame.text) as { type?: string }).type === 'result',
        );
        if (!result) throw new Error(`${target.name}: ${frames.at(-1)?.text}`);
        return {
          marker,
          total: result.at - sentAt,
          sentAtMs: performance.timeOrigin + sentAt,
        };
      }),
    );
    target.asks += asks.length;
    return { asks, cpuStartNs };
  };
  const rounds = async (label: string, count: number): Promise<Round[]> => {
    const done: Round[] = [];
    for (let r = 0; r < count; r += 1) done.push(await round(`${label}${r}`));
    return done;
  };
  const close = () => {
    for (const ws of sockets) ws.close();
  };
  return { rounds, close };
}

async function measure(target: Target, model: ChildProcess, concurrency: number) {
  const pid = target.process.pid as number;
  const { rounds, close } = await openRounds(target, concurrency);
  let measured: Round[];
  let cpu: number;
  try {
    // Warm-up rounds (ten asks at least) open connections, fill caches and let the JIT settle.
    await rounds('warm-up', Math.ceil(10 / concurrency));
    await modelTimings(model);
    // The server's cost when nothing happens (timers, GC), measured once per server: the clock
    // ticks in 10 ms steps, so a short window would subtract a whole tick's noise.
    target.idlePerMs ??= await idleCpuPerMs(pid);
    const idlePerMs = target.idlePerMs;

    const started = performance.now();
    const cpuStart = cpuMs(pid);
    measured = await rounds('r', ROUNDS[concurrency] ?? 1);
    cpu = cpuMs(pid) - cpuStart - idlePerMs * (performance.now() - started);
  } finally {
    close();
  }

  const timings = await modelTimings(model);
  const timingOf = (ask: SentAsk) => {
    const timing = timings.find((t) => t.lastUser.includes(ask.marker));
    if (!timing) throw new Error(`no model call for ${ask.marker}`);
    return timing;
  };
  const asks = measured.flatMap((round) => round.asks);
  const latencies = asks.map((ask) => ask.total - timingOf(ask).modelMs);
  // Per round, up to the last of its model requests: the wall time, and the server's event-loop
  // CPU, each divided by the round's asks.
  const beforeModelMs: number[] = [];
  const beforeModelCpu: number[] = [];
  for (const round of measured) {
    const arrivals = round.asks.map(timingOf);
    const last = arrivals.reduce((a, b) => (b.receivedAtMs > a.receivedAtMs ? b : a));
    const firstSent = Math.min(...round.asks.map((ask) => ask.sentAtMs));
    beforeModelMs.push((last.receivedAtMs - firstSent) / round.asks.length);
    const cpuNs = last.serverCpuNs[pid];
    if (cpuNs === undefined) throw new Error(`the model did not read ${target.name}'s CPU`);
    beforeModelCpu.push((cpuNs - round.cpuStartNs) / 1e6 / round.asks.length);
  }
  return { cpuPerAsk: Math.max(0, cpu) / asks.length, latencies, beforeModelMs, beforeModelCpu };
}

/** The process's resident set in MiB, from /proc/<pid>/status. */
function rssMiB(target: Target): number {
  const status = readFileSync(`/proc/${target.process.pid}/status`, 'utf8');
  const kib = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]);
  if (!Number.isFinite(kib)) throw new Error(`no VmRSS for ${target.name}`);
  return kib / 1024;
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

function spawnTs(
  entry: string,
  cwd: string,
  env: Record<string, string>,
  nodeFlags: string[] = [],
): ChildProcess {
  return spawn(
    process.execPath,
    [...nodeFlags, '--import', import.meta.resolve('tsx'), join(ROOT, entry)],
    {
      cwd,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    },
  );
}

async function startQuarry(dir: string, modelUrl: string): Promise<Target> {
  const port = await freePort();
  const child = spawnTs('server/src/main.ts', dir, benchQuarryEnv(port, modelUrl), profileFlags());
  await waitForHealth(child, `http://127.0.0.1:${port}/health`);
  return {
    name: 'quarry',
    process: child,
    wsUrl: `ws://127.0.0.1:${port}/ws?format=json`,
    asks: 0,
  };
}

/**
 * With BENCH_CPU_PROF=<dir>, each server (Quarry, the relay) writes a V8 CPU profile of the whole run there when it
 * stops (open it in Chrome's DevTools or `npx speedscope`), to see where an ask's time goes.
 */
function profileFlags(): string[] {
  const dir = process.env.BENCH_CPU_PROF;
  return dir ? ['--cpu-prof', '--cpu-prof-dir', resolve(dir)] : [];
}

async function startRelay(dir: string, modelUrl: string): Promise<Target> {
  const port = await freePort();
  const database = join(dir, 'data', 'demo.sqlite');
  await readFile(database); // Quarry built it at start; the relay reads the same data.
  const child = spawnTs(
    'bench/relay.ts',
    dir,
    {
      PORT: String(port),
      OPENAI_BASE_URL: modelUrl,
      RELAY_DATABASE: database,
    },
    profileFlags(),
  );
  await message(child, 'ready');
  return { name: 'relay', process: child, wsUrl: `ws://127.0.0.1:${port}/ws`, asks: 0 };
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
