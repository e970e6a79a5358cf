import { once } from 'node:events';
import { type AddressInfo, connect as connectTcp, createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collectFrames,
  connect,
  isClosingEvent,
  outcomeEvent,
  query,
  startTestQuarry,
  type TestQuarry,
} from '../../support/quarry.js';

/** A TCP relay in front of the fake model that counts the connections Quarry opens to it. */
async function countingProxy(): Promise<{
  server: Server;
  port: number;
  connections: () => number;
  target: (port: number) => void;
}> {
  let targetPort = 0;
  let connections = 0;
  const server = createServer((socket) => {
    connections += 1;
    const upstream = connectTcp(targetPort, '127.0.0.1');
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    server,
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    target: (port) => {
      targetPort = port;
    },
  };
}

describe('the model client', () => {
  let quarry: TestQuarry;
  let proxy: Awaited<ReturnType<typeof countingProxy>>;
  beforeAll(async () => {
    proxy = await countingProxy();
    quarry = await startTestQuarry({
      OPENAI_BASE_URL: `http://127.0.0.1:${proxy.port}/v1`,
      LLM_MODEL: 'fake-sql-model',
    });
    proxy.target(Number(new URL(quarry.fake.baseUrl).port));
  });
  afterAll(async () => {
    await quarry?.close();
    proxy?.server.close();
  });

  it('is one client whose connection to the model serves ask after ask', async () => {
    const sql = 'SELECT name FROM departments ORDER BY id LIMIT 3';
    const ws = await connect(`${quarry.wsUrl}?format=json`);
    for (let i = 0; i < 6; i += 1) {
      quarry.fake.enqueue(`\`\`\`sql\n${sql}\n\`\`\``);
      const frames = await collectFrames(ws, query(`前三个部门 ${i}`), isClosingEvent);
      expect(
        outcomeEvent(frames.map((frame) => JSON.parse(frame.text) as { type: string })),
      ).toMatchObject({ type: 'result' });
    }
    ws.close();
    expect(quarry.fake.chatRequests).toHaveLength(6);
    // One connection normally; the bound leaves room for a keep-alive time-out on a slow machine.
    expect(proxy.connections()).toBeLessThanOrEqual(2);
  });
});
