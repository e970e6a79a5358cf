import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { QuarryError } from '../errors.js';
import type { Logger } from '../logger.js';
import { databaseError, type QueryPhase, stoppedError, timeoutError } from './queryErrors.js';

const WORKER_PATH = fileURLToPath(new URL('./sqliteWorker.mjs', import.meta.url));

export interface SqliteRequest {
  /** `prepare` compiles only (dry run); `query` runs and reads up to rowLimit rows. */
  mode: 'query' | 'prepare';
  sql: string;
  rowLimit: number;
  /** Most bytes of rows (as JSON), counted in the child; unlimited when absent. */
  maxBytes?: number;
  timeoutMs: number;
  signal?: AbortSignal;
  phase: QueryPhase;
}

export interface SqliteRawResult {
  columns: string[];
  rows: unknown[][];
  capped: boolean;
  /** SQLite's own verdict on the compiled statement (sqlite3_stmt_readonly). */
  readOnly: boolean;
  /**
   * Whether the SQL was compiled for this request; false when the worker still held it,
   * compiled against the same schema (a run right after its dry run).
   */
  compiled: boolean;
}

type WorkerReply =
  | {
      id: number;
      ok: true;
      columns: string[];
      rows: unknown[][];
      capped: boolean;
      readOnly: boolean;
      compiled: boolean;
    }
  | { id: number; ok: false; message: string; code?: string; unavailable: boolean };

interface Job {
  request: SqliteRequest;
  id?: number;
  process?: ChildProcess;
  settled: boolean;
  finish(outcome: { result: SqliteRawResult } | { error: QuarryError }): void;
}

/**
 * Runs SQL against one SQLite file in a child process, one statement at a time. Why a process:
 * better-sqlite3 blocks its thread and has no interrupt, and a worker thread cannot be
 * terminated while inside a native call, so killing a process is the only way to stop a
 * runaway query. A killed or crashed process is replaced lazily by the next request.
 */
export interface SqliteRunner {
  run(request: SqliteRequest): Promise<SqliteRawResult>;
  close(): Promise<void>;
}

/** Starts no process until the first request. */
export function createSqliteRunner(path: string, logger: Logger): SqliteRunner {
  const queue: Job[] = [];
  let running: Job | undefined;
  /** The current worker and the promise of it being ready; both reset when it dies. */
  let worker: ChildProcess | undefined;
  let ready: Promise<ChildProcess> | undefined;
  let nextId = 1;
  let closed = false;

  function unavailable(message: string): QuarryError {
    return new QuarryError(
      'DATASOURCE_UNAVAILABLE',
      `Cannot open the SQLite database at ${path}: ${message}`,
      { context: { path } },
    );
  }

  function onReply(from: ChildProcess, reply: WorkerReply): void {
    const job = running;
    if (!job || job.process !== from || reply.id !== job.id) return;
    if (reply.ok) {
      const { columns, rows, capped, readOnly, compiled } = reply;
      job.finish({ result: { columns, rows, capped, readOnly, compiled } });
    } else if (reply.unavailable) {
      job.finish({ error: unavailable(reply.message) });
    } else if (reply.code === 'QUARRY_NOT_READ_ONLY') {
      job.finish({
        error: new QuarryError('UNSAFE_SQL', reply.message, { context: { path } }),
      });
    } else {
      const cause = Object.assign(new Error(reply.message), { code: reply.code });
      job.finish({ error: databaseError(cause, job.request.phase) });
    }
  }

  function startWorker(): Promise<ChildProcess> {
    const started = fork(WORKER_PATH, [path], {
      // The worker is plain JS: none of the parent's loaders (tsx, vitest) apply to it.
      execArgv: [],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    worker = started;
    const isReady = new Promise<ChildProcess>((resolve, reject) => {
      started.on('message', (message: WorkerReply | { ready: true }) => {
        if ('ready' in message) resolve(started);
        else onReply(started, message);
      });
      started.on('error', (error) => {
        logger.warn({ err: error, path }, 'SQLite worker failed');
        reject(error);
      });
      started.on('exit', (code, signal) => {
        logger.debug({ path, code, signal }, 'SQLite worker exited');
        reject(new Error(`its worker process exited (${signal ?? code}).`));
        if (worker === started) {
          worker = undefined;
          ready = undefined;
        }
        if (running?.process === started) {
          running.finish({ error: unavailable(`its worker process exited (${signal ?? code}).`) });
        }
      });
    });
    return isReady;
  }

  function stopWorker(): void {
    worker?.kill('SIGKILL');
    worker = undefined;
    ready = undefined;
  }

  function pump(): void {
    if (running || closed) return;
    const job = queue.shift();
    if (!job) {
      // Idle: let the server exit even if nobody closes this data source.
      worker?.unref();
      worker?.channel?.unref();
      return;
    }
    running = job;
    ready ??= startWorker();
    ready.then(
      (started) => {
        if (job.settled) return;
        started.ref();
        started.channel?.ref();
        job.process = started;
        job.id = nextId++;
        const { mode, sql, rowLimit, maxBytes } = job.request;
        started.send({ id: job.id, mode, sql, rowLimit, maxBytes }, (error) => {
          if (error) job.finish({ error: unavailable(error.message) });
        });
      },
      (error: unknown) => {
        job.finish({ error: unavailable(error instanceof Error ? error.message : String(error)) });
      },
    );
  }

  function run(request: SqliteRequest): Promise<SqliteRawResult> {
    if (closed) return Promise.reject(unavailable('the data source was closed.'));
    if (request.signal?.aborted) return Promise.reject(stoppedError({ path }));
    return new Promise((resolve, reject) => {
      const job: Job = {
        request,
        settled: false,
        finish(outcome) {
          if (job.settled) return;
          job.settled = true;
          clearTimeout(timer);
          request.signal?.removeEventListener('abort', onAbort);
          if (running === job) running = undefined;
          const queued = queue.indexOf(job);
          if (queued >= 0) queue.splice(queued, 1);
          if ('result' in outcome) resolve(outcome.result);
          else reject(outcome.error);
          pump();
        },
      };
      const cancel = (error: QuarryError) => {
        // Only the running job occupies the worker; a queued one just leaves the queue.
        if (running === job) stopWorker();
        job.finish({ error });
      };
      const onAbort = () => cancel(stoppedError({ path }));
      const timer = setTimeout(
        () => cancel(timeoutError(request.timeoutMs, request.phase, { path })),
        request.timeoutMs,
      );
      request.signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(job);
      pump();
    });
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    const pending = running ? [running, ...queue] : [...queue];
    stopWorker();
    for (const job of pending) job.finish({ error: unavailable('the data source was closed.') });
  }

  return { run, close };
}
