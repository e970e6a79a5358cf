import { describeReasonApart } from '@quarry/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestQuarry, type TestQuarry } from '../../support/quarry.js';

async function testConnection(quarry: TestQuarry, url: string) {
  const response = await fetch(`${quarry.baseUrl}/api/datasources/test`, {
    method: 'POST',
    headers: {
      authorization: 'Bearer test-admin-token-0123456789',
      'content-type': 'application/json',
    },
    body: JSON.stringify({ url }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the test reads the error body field by field
  return { status: response.status, body: (await response.json()) as any };
}

describe('test connection says why it failed as a code, the driver’s words apart', () => {
  let quarry: TestQuarry;
  beforeAll(async () => {
    quarry = await startTestQuarry();
  });
  afterAll(() => quarry?.close());

  it.each([
    [
      'nothing listens on the port',
      'mysql://reader:secret@127.0.0.1:1/sales',
      { code: 'connection_refused', params: { address: '127.0.0.1:1' } },
      /ECONNREFUSED/,
    ],
    [
      'the host does not exist',
      'postgres://reader:secret@no-such-host.invalid:5432/sales',
      { code: 'connection_host_unknown', params: { host: 'no-such-host.invalid' } },
      /no-such-host\.invalid|ENOTFOUND|EAI_AGAIN/,
    ],
    [
      'MariaDB refuses the user',
      'mysql://quarry_nobody:wrong@127.0.0.1:3306/mysql',
      { code: 'connection_access_denied' },
      /Access denied/,
    ],
    [
      'MariaDB has no such database',
      'mysql://root@127.0.0.1:3306/quarry_no_such_database',
      { code: 'connection_database_unknown', params: { database: 'quarry_no_such_database' } },
      /Unknown database/,
    ],
    [
      'PostgreSQL has no such database',
      'postgres://postgres@127.0.0.1:5432/quarry_no_such_database',
      { code: 'connection_database_unknown', params: { database: 'quarry_no_such_database' } },
      /does not exist/,
    ],
  ])('%s', async (_case, url, reason, driverSaid) => {
    const { status, body } = await testConnection(quarry, url);
    expect(status).toBe(400);
    expect(body.error.reason).toMatchObject(reason);
    expect(body.error.field_reasons.url).toEqual(body.error.reason);
    // The password never comes back, in any field.
    expect(JSON.stringify(body)).not.toMatch(/secret|wrong@/);
    const zh = describeReasonApart(body.error.reason, 'zh');
    expect(zh.message).toMatch(/^无法连接/);
    expect(zh.message).not.toMatch(/[A-Za-z]{2,}[ ,]+[a-z]{2,}\b/);
    expect(zh.detail).toMatch(driverSaid);
    // The API's English message still quotes the driver.
    expect(body.error.message).toMatch(driverSaid);
  });
});
