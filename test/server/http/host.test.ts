import { afterEach, describe, expect, it } from 'vitest';
import { startTestQuarry, type TestQuarry } from '../../support/quarry.js';
import { opens } from '../../support/tcp.js';

// 127.0.0.2 is this machine too (Linux routes all of 127.0.0.0/8 to loopback), but a server
// bound to 127.0.0.1 alone does not answer on it: the difference HOST makes, without needing a
// second network card.
describe('HOST', () => {
  let quarry: TestQuarry | undefined;
  afterEach(async () => {
    await quarry?.close();
    quarry = undefined;
  });

  it('listens on 127.0.0.1 only by default', async () => {
    quarry = await startTestQuarry();
    const port = quarry.server.port;
    expect(await opens('127.0.0.1', port)).toBe(true);
    expect(await opens('127.0.0.2', port)).toBe(false);
  });

  it('listens on every interface with HOST=0.0.0.0', async () => {
    quarry = await startTestQuarry({ HOST: '0.0.0.0' });
    const port = quarry.server.port;
    expect(await opens('127.0.0.1', port)).toBe(true);
    expect(await opens('127.0.0.2', port)).toBe(true);
    expect((await fetch(`http://127.0.0.2:${port}/health`)).status).toBe(200);
  });
});
