import { describe, expect, it } from 'vitest';
import { acquireAsker, createAskLimiter } from '../../../server/src/asks/askLimiter.js';
import { parseQueryFrame } from '../../../server/src/ws/queryFrame.js';
import { askRequestOf, connectionBusy } from '../../../server/src/ws/wsServer.js';

const text = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('parseQueryFrame', () => {
  it('reads a query frame, fragmented or whole', () => {
    const frame = { type: 'query', query: '有多少部门？', thread_id: 't1', format: 'json' };
    const whole = parseQueryFrame(text(frame), false);
    expect(whole).toEqual({ ok: true, query: frame });
    const bytes = text(frame);
    expect(parseQueryFrame([bytes.subarray(0, 5), bytes.subarray(5)], false)).toEqual(whole);
  });

  it.each([
    ['a binary frame', Buffer.from('{}'), true, /^Binary frames are not supported/],
    ['text that is not JSON', Buffer.from('hello'), false, /^The message is not valid JSON/],
    ['a JSON array', text([1]), false, /^The message must be a JSON object/],
    ['no query', text({ type: 'query' }), false, /^"query" is required: send/],
    ['a query of the wrong type', text({ type: 'query', query: 1 }), false, /^Invalid "query"/],
  ])('refuses %s with the sentence to send back', (_case, data, isBinary, message) => {
    const parsed = parseQueryFrame(data, isBinary);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.message).toMatch(message);
  });
});

describe('connectionBusy', () => {
  const reading = { behind: false, stalled: false };

  it('refuses a connection that has not read its answers, then one at its ask limit', () => {
    expect(connectionBusy(reading, 3, 4)).toBeUndefined();
    expect(connectionBusy({ behind: true, stalled: false }, 0, 4)).toMatch(/has not read/);
    expect(connectionBusy({ behind: false, stalled: true }, 0, 4)).toMatch(/has not read/);
    expect(connectionBusy(reading, 4, 4)).toBe(
      'At most 4 questions may run at once on one connection; wait for an answer first.',
    );
  });
});

describe('askRequestOf', () => {
  it('asks for no part after the rows in text mode, the client default in events mode', () => {
    const query = { type: 'query' as const, query: 'q', user: 'U1', user_name: 'Ann' };
    expect(askRequestOf(query, 'text')).toEqual({
      question: 'q',
      datasource: undefined,
      threadId: undefined,
      source: 'ws',
      askedBy: 'U1',
      askedByName: 'Ann',
      parts: [],
    });
    expect(askRequestOf({ ...query, source: 'slack' }, 'json')).not.toHaveProperty('parts');
    expect(askRequestOf({ ...query, source: 'slack' }, 'json').source).toBe('slack');
  });
});

describe('acquireAsker', () => {
  it('gives places up to the limit per asker, and one again after a release', () => {
    const limiter = createAskLimiter(1);
    const first = acquireAsker(limiter, { user: 'U1' });
    expect(first.ok).toBe(true);
    expect(acquireAsker(limiter, { user: 'U1' })).toEqual({
      ok: false,
      refusal: 'At most 1 questions may run at once for one user; wait for an answer first.',
    });
    // Someone else, told apart by token when no user is named.
    expect(acquireAsker(limiter, { token: 'a-token' }).ok).toBe(true);
    if (first.ok) {
      first.release();
      first.release();
    }
    expect(acquireAsker(limiter, { user: 'U1' }).ok).toBe(true);
    expect(acquireAsker(limiter, { user: 'U1' }).ok).toBe(false);
  });

  it('always has a place without a limiter', () => {
    for (let i = 0; i < 10; i += 1) expect(acquireAsker(undefined, { user: 'U1' }).ok).toBe(true);
  });
});
