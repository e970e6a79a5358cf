import { startFakeOpenAI } from '../test/fakes/openaiServer.js';

/**
 * The fake model in its own process for `relayComparison.ts`, so its streaming costs neither
 * the server's CPU nor the clients'. Tells its parent its URL; on `report` sends back how long
 * each request took from arrival to the end of its reply, keyed by the question.
 */
const TIME_TO_FIRST_TOKEN_MS = Number(process.env.BENCH_TTFT_MS ?? 200);
const CHUNK_DELAY_MS = Number(process.env.BENCH_CHUNK_DELAY_MS ?? 10);
const REPLY = process.env.BENCH_REPLY ?? '';

const fake = await startFakeOpenAI({ models: ['bench-model'] });
fake.onChat(() => ({
  content: REPLY,
  delayMs: TIME_TO_FIRST_TOKEN_MS,
  chunkDelayMs: CHUNK_DELAY_MS,
}));

export interface ModelTiming {
  lastUser: string;
  modelMs: number;
}

process.on('message', (message: unknown) => {
  if (message === 'report') {
    const timings: ModelTiming[] = fake.chatRequests.flatMap((request) =>
      request.finishedAt === undefined
        ? []
        : [{ lastUser: request.lastUser, modelMs: request.finishedAt - request.receivedAt }],
    );
    fake.chatRequests.length = 0;
    process.send?.({ type: 'report', timings });
  } else if (message === 'stop') {
    void fake.close().then(() => process.exit(0));
  }
});
process.send?.({ type: 'ready', baseUrl: fake.baseUrl });
