import type { AskEvent } from '@quarry/shared';
import { describe, expect, it } from 'vitest';
import type { AskQueue } from '../../../server/src/asks/askQueue.js';
import { type AskHistory, createAskService } from '../../../server/src/asks/askService.js';
import { createLogger } from '../../../server/src/logger.js';
import type { AskInput, AskOutcome } from '../../../server/src/pipeline/types.js';

/** An AskQueue (our own port) that answers every ask with `rows` rows of two columns at once. */
function answeringQueue(rows: number): AskQueue {
  return {
    submit(_input: AskInput, onEvent: (event: AskEvent) => void) {
      const result = Array.from({ length: rows }, (_, i) => ({ id: i, name: `n${i}` }));
      onEvent({
        type: 'result',
        sql: 'SELECT id, name FROM t',
        columns: ['id', 'name'],
        rows: result,
        row_count: rows,
        capped: false,
      });
      return { done: Promise.resolve<AskOutcome>({ status: 'finished', timings: {} }) };
    },
    stop: async () => false,
    close: async () => undefined,
  };
}

const history: AskHistory = {
  recordStart: async () => undefined,
  recordOutcome: async () => undefined,
  find: async () => undefined,
};

describe('ask views kept for polling', () => {
  it('drops the rows of the oldest answers past the cell budget, keeping their SQL and count', async () => {
    const asks = createAskService({
      queue: answeringQueue(100),
      history,
      logger: createLogger('silent'),
      keptCells: 450,
    });
    const ids = [];
    for (let i = 0; i < 4; i += 1) {
      const { askId, done } = asks.ask({ question: `q${i}`, source: 'api' });
      await done;
      ids.push(askId);
    }
    const views = await Promise.all(ids.map((id) => asks.view(id)));
    // 200 cells per answer, 450 kept: the two newest keep their rows.
    expect(views.map((view) => view?.rows?.length)).toEqual([undefined, undefined, 100, 100]);
    expect(views.map((view) => view?.row_count)).toEqual([100, 100, 100, 100]);
    expect(views[0]).toMatchObject({ status: 'finished', sql: 'SELECT id, name FROM t' });
  });
});
