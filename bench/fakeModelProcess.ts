import { startFakeOpenAI } from '../test/fakes/openaiServer.js';
import { mainThreadCpuNs } from './processCpu.js';

/**
 * The fake model in its own process for `relayComparison.ts`, so its streaming costs neither
 * the server's CPU nor the clients'. Tells its parent its URL; on `report` sends back when each
 * request arrived and how long it took from arrival to the end of its reply, keyed by the question.
 */
const TIME_TO_FIRST_TOKEN_MS = Number(process.env.BENCH_TTFT_MS ?? 200);
const CHUNK_DELAY_MS = Number(process.env.BENCH_CHUNK_DELAY_MS ?? 10);
const REPLY = process.env.BENCH_REPLY ?? '';

/** Servers whose CPU is read as each request arrives (set by the parent's `watch` message). */
let watched: number[] = [];
/** Per request: each watched server's event-loop CPU (ns) when it arrived. */
const cpuAtArrival = new WeakMap<object, Record<number, number>>();

const fake = await startFakeOpenAI({ models: ['bench-model'] });
fake.onChat((request) => {
  cpuAtArrival.set(request, Object.fromEntries(watched.map((pid) => [pid, mainThreadCpuNs(pid)])));
  return {
    content: REPLY,
    delayMs: TIME_TO_FIRST_TOKEN_MS,
    chunkDelayMs: CHUNK_DELAY_MS,
  };
});

export interface ModelTiming {
  lastUser: string;
  modelMs: number;
  /**
   * When the request arrived, in milliseconds since the epoch at performance.now()'s
   * resolution (timeOrigin + now), so the clients' process can compare it with its own clock.
   */
  receivedAtMs: number;
  /** Each watched server's event-loop CPU (ns) when the request arrived, by pid. */
  serverCpuNs: Record<number, number>;
}

process.on('message', (message: unknown) => {
  const watch = message as { type?: string; pids?: number[] };
  if (watch.type === 'watch') {
    watched = watch.pids ?? [];
  } else if (message === 'report') {
    const timings: ModelTiming[] = fake.chatRequests.flatMap((request) =>
      request.finishedAt === undefined
        ? []
        : [
            {
              lastUser: request.lastUser,
              modelMs: request.finishedAt - request.receivedAt,
              receivedAtMs: performance.timeOrigin + request.receivedAt,
              serverCpuNs: cpuAtArrival.get(request) ?? {},
            },
          ],
    );
    fake.chatRequests.length = 0;
    process.send?.({ type: 'report', timings });
  } else if (message === 'stop') {
    void fake.close().then(() => process.exit(0));
  }
});
process.send?.({ type: 'ready', baseUrl: fake.baseUrl });
