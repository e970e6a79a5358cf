import type { AskEvent } from '@quarry/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createChunkCoalescer } from '../../../server/src/ws/chunkCoalescer.js';

function sqlChunks(text: string): AskEvent[] {
  let sql = '';
  return [...text].map((delta) => {
    sql += delta;
    return { type: 'sql_chunk', delta, sql };
  });
}

describe('the events-mode chunk coalescer', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends the first chunk at once and merges the rest of each interval into one frame', () => {
    const sent: AskEvent[] = [];
    const coalescer = createChunkCoalescer((event) => sent.push(event), 25);
    const [first, ...rest] = sqlChunks('SELECT 1');
    coalescer.push(first as AskEvent);
    expect(sent).toEqual([{ type: 'sql_chunk', delta: 'S', sql: 'S' }]);
    for (const event of rest) coalescer.push(event);
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(25);
    expect(sent).toEqual([
      { type: 'sql_chunk', delta: 'S', sql: 'S' },
      { type: 'sql_chunk', delta: 'ELECT 1', sql: 'SELECT 1' },
    ]);
    // A quiet interval ends the window: the next chunk goes out at once again.
    vi.advanceTimersByTime(25);
    coalescer.push({ type: 'sql_chunk', delta: ';', sql: 'SELECT 1;' });
    expect(sent.at(-1)).toEqual({ type: 'sql_chunk', delta: ';', sql: 'SELECT 1;' });
  });

  it('sends what it holds before any other event, and keeps the order of kinds', () => {
    const sent: AskEvent[] = [];
    const coalescer = createChunkCoalescer((event) => sent.push(event), 25);
    coalescer.push({ type: 'reasoning_chunk', delta: '1.', reasoning: '1.' });
    coalescer.push({ type: 'reasoning_chunk', delta: ' a', reasoning: '1. a' });
    coalescer.push({ type: 'reasoning_chunk', delta: 'b', reasoning: '1. ab' });
    coalescer.push({ type: 'sql_chunk', delta: 'SEL', sql: 'SEL' });
    coalescer.push({ type: 'sql_chunk', delta: 'ECT 2', sql: 'SELECT 2' });
    coalescer.push({ type: 'generated', raw: 'SELECT 2' });
    expect(sent).toEqual([
      { type: 'reasoning_chunk', delta: '1.', reasoning: '1.' },
      { type: 'reasoning_chunk', delta: ' ab', reasoning: '1. ab' },
      { type: 'sql_chunk', delta: 'SELECT 2', sql: 'SELECT 2' },
      { type: 'generated', raw: 'SELECT 2' },
    ]);
    vi.advanceTimersByTime(100);
    expect(sent).toHaveLength(4);
  });

  it('sends the held text when the ask ends', () => {
    const sent: AskEvent[] = [];
    const coalescer = createChunkCoalescer((event) => sent.push(event), 25);
    for (const event of sqlChunks('SELECT 3')) coalescer.push(event);
    coalescer.flush();
    expect(sent.map((event) => ('delta' in event ? event.delta : '')).join('')).toBe('SELECT 3');
    vi.advanceTimersByTime(100);
    expect(sent).toHaveLength(2);
  });
});
