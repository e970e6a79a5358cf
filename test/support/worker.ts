import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { parseConfig } from '../../server/src/config.js';
import { createLogger } from '../../server/src/logger.js';
import { type RunningWorker, startQuarryWorker } from '../../server/src/worker/startWorker.js';
import type { TestQuarry } from './quarry.js';

/** The Redis this machine runs; every test uses queues of its own name on it. */
export const REDIS_URL = 'redis://127.0.0.1:6379';

const ROOT = resolve(import.meta.dirname, '../..');

/** A fresh queue name, and the env a server and its workers share to use it. */
export function redisQueueEnv(prefix: string): Record<string, string> {
  return {
    REDIS_URL,
    ASK_QUEUE_NAME: `test-${prefix}-${randomBytes(4).toString('hex')}`,
  };
}

/** Removes every key of the queue (jobs, ids, locks). */
export async function dropQueue(name: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    const keys = await redis.keys(`quarry:${name}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

/** How many jobs of the queue wait for a worker, and how many run. */
export async function queueCounts(name: string): Promise<{ waiting: number; active: number }> {
  const redis = new Redis(REDIS_URL);
  try {
    const [waiting, active] = await Promise.all([
      redis.llen(`quarry:${name}:wait`),
      redis.llen(`quarry:${name}:active`),
    ]);
    return { waiting, active };
  } finally {
    redis.disconnect();
  }
}

/**
 * The environment of a worker joining `quarry`: its app database, queue and model, and the
 * server's data source (the demo file it built, unless DATABASE_URL names another).
 */
function workerEnv(quarry: TestQuarry, env: Record<string, string>): Record<string, string> {
  // The server's own concurrency (often 0: it only enqueues) is not the worker's.
  const shared = { ...quarry.env };
  delete shared.ASK_WORKER_CONCURRENCY;
  return {
    ...shared,
    DATABASE_URL: quarry.env.DATABASE_URL ?? `sqlite:${join(quarry.dir, 'demo.sqlite')}`,
    ...env,
  };
}

/** A worker in this test process, built exactly as `npm run worker` builds one. */
export function startWorkerHere(
  quarry: TestQuarry,
  env: Record<string, string> = {},
): Promise<RunningWorker> {
  const config = parseConfig({ ...workerEnv(quarry, env), LOG_LEVEL: 'silent' });
  return startQuarryWorker(config, createLogger('silent'));
}

export interface WorkerProcess {
  child: ChildProcess;
  /** Everything it printed, for a failing test's message. */
  output(): string;
  /** SIGTERM, then waits for it to exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: the worker dies mid-ask, as a crashed machine would. */
  kill(): Promise<void>;
  /** Resolves once it exited: its exit code, or the signal that ended it. */
  exited: Promise<number | NodeJS.Signals | null>;
  /** Sends `signal` to its whole process group (spawned `viaNpm` only). */
  signalGroup(signal: NodeJS.Signals): void;
}

/**
 * Workers still running. A test that fails or times out before it could stop its worker
 * (its `beforeAll` gave up while the worker was starting) would leave it taking jobs long after
 * the run: what is left when the test process exits is killed then.
 */
const unstopped = new Set<() => void>();
process.once('exit', () => {
  for (const kill of unstopped) kill();
});

/**
 * A worker as a separate process, resolved once it takes asks: `node --import tsx` on the
 * worker's main, or with `viaNpm` the real `npm run worker` in a process group of its own
 * (`signalGroup` then signals npm, the shell and node at once, as Ctrl-C or systemd do).
 */
export async function spawnWorker(
  quarry: TestQuarry,
  env: Record<string, string> = {},
  options: { viaNpm?: boolean } = {},
): Promise<WorkerProcess> {
  const workerEnvironment = { ...process.env, ...workerEnv(quarry, env), LOG_LEVEL: 'info' };
  const child = options.viaNpm
    ? spawn('npm', ['run', '--silent', 'worker'], {
        cwd: ROOT,
        env: workerEnvironment,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      })
    : spawn(process.execPath, ['--import', 'tsx', 'server/src/worker/main.ts'], {
        cwd: ROOT,
        env: workerEnvironment,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
  let output = '';
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const killNow = () => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    if (options.viaNpm) process.kill(-child.pid, 'SIGKILL');
    else child.kill('SIGKILL');
  };
  unstopped.add(killNow);
  void exited.then(() => unstopped.delete(killNow));
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => {
      killNow();
      fail(new Error(`worker did not start:\n${output}`));
    }, 30_000);
    const onData = (data: Buffer) => {
      output += data.toString();
      if (output.includes('ask worker: taking asks')) {
        clearTimeout(timer);
        ready();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then(([code]) => {
      clearTimeout(timer);
      fail(new Error(`worker exited with ${code} before taking asks:\n${output}`));
    });
  });
  return {
    child,
    output: () => output,
    exited: exited.then(([code, signal]) => code ?? signal),
    signalGroup(signal) {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, signal);
    },
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      return (await exited)[0];
    },
    async kill() {
      if (child.exitCode !== null) return;
      if (options.viaNpm && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      else child.kill('SIGKILL');
      await exited;
    },
  };
}
