import type { AskEvent } from '@quarry/shared';
import { describe, expect, it } from 'vitest';
import { eventFrames } from '../../../server/src/ws/eventFrames.js';
import { createTextRenderer } from '../../../server/src/ws/textFrames.js';

const chunk = (delta: string, sql: string): AskEvent => ({ type: 'sql_chunk', delta, sql });

describe('the frames an event becomes', () => {
  it('merges the chunks a slow client missed into one, keeping every delta', () => {
    const [first] = eventFrames(chunk('SELECT ', 'SELECT '), 'a1', 'json', createTextRenderer());
    const [second] = eventFrames(chunk('1', 'SELECT 1'), 'a1', 'json', createTextRenderer());
    if (first?.kind !== 'progress' || second?.kind !== 'progress') throw new Error('not progress');
    expect(second.key).toBe(first.key);
    expect(JSON.parse(second.coalesce(first.text))).toEqual({
      type: 'sql_chunk',
      delta: 'SELECT 1',
      sql: 'SELECT 1',
      ask_id: 'a1',
    });

    const render = createTextRenderer();
    const [text1] = eventFrames(chunk('SELECT ', 'SELECT '), 'a1', 'text', render);
    const [text2] = eventFrames(chunk('1', 'SELECT 1'), 'a1', 'text', render);
    if (text2?.kind !== 'progress') throw new Error('not progress');
    expect(text2.coalesce(text1?.text ?? '')).toBe('SELECT 1');
  });

  it('never merges answers, errors or the last status', () => {
    const finished: AskEvent = {
      type: 'status',
      status: 'finished',
      step: 'executing',
      message: 'done',
    };
    const failed: AskEvent = { type: 'error', code: 'STOPPED', message: 'stopped' };
    for (const event of [finished, failed]) {
      expect(eventFrames(event, 'a1', 'json', createTextRenderer())[0]?.kind).toBe('final');
    }
  });

  it('turns a result too large to build into the ask’s error frame instead of throwing', () => {
    // What V8 throws for a string past its maximum length, without building one.
    const huge = {
      toJSON() {
        throw new RangeError('Invalid string length');
      },
    };
    const result = {
      type: 'result',
      sql: 'SELECT 1',
      columns: ['x'],
      rows: [{ x: huge }],
      row_count: 1,
      capped: false,
    } as unknown as AskEvent;
    expect(eventFrames(result, 'a1', 'json', createTextRenderer())).toEqual([
      {
        kind: 'final',
        text: JSON.stringify({
          type: 'error',
          code: 'PAYLOAD_TOO_LARGE',
          message: 'The result is too large to send in one frame; ask for fewer rows or columns.',
          ask_id: 'a1',
        }),
      },
    ]);
  });
});
