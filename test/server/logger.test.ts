import { Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../server/src/logger.js';

/** A destination that keeps what is written, claiming to be a terminal or not. */
function capture(isTTY: boolean): Writable & { isTTY: boolean; text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return Object.assign(stream, { isTTY, text: () => chunks.join('') });
}

describe('logs', () => {
  it('writes one JSON object per line when stdout is not a terminal', () => {
    const out = capture(false);
    const logger = createLogger('info', 'quarry', out);
    logger.info({ ask_id: 'a1', token: 'secret-token' }, 'WebSocket发送');
    const line = JSON.parse(out.text().trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 30, name: 'quarry', ask_id: 'a1', msg: 'WebSocket发送' });
    expect(line.token).toBe('[redacted]');
  });

  it('writes short readable lines in a terminal: time, level, message, fields; no pid or host', () => {
    const out = capture(true);
    const logger = createLogger('info', 'quarry', out);
    logger.info({ ask_id: 'a1', token: 'secret-token' }, 'WebSocket发送');
    logger.debug('not at this level');
    const lines = stripVTControlCharacters(out.text()).trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: WebSocket发送 \{.*"ask_id":"a1".*\}$/,
    );
    expect(lines[0]).toContain('[redacted]');
    expect(lines[0]).not.toContain('secret-token');
    expect(lines[0]).not.toMatch(/pid|hostname|"name"/);
  });
});
