import type { AskEvent } from '@quarry/shared';
import { runAsk } from '../pipeline/orchestrator.js';
import type { AskInput, AskOutcome, PipelineDeps } from '../pipeline/types.js';

/**
 * Where asks run. Promises: every submitted ask emits its events in order through `onEvent`
 * and its `done` settles with the outcome (never rejects); `stop` cancels a running ask (its
 * model call and query) wherever it runs. Leaves out: history, polling state, limits.
 * Implementations: in-process (below) and bull on Redis.
 */
export interface AskQueue {
  submit(input: AskInput, onEvent: (event: AskEvent) => void): { done: Promise<AskOutcome> };
  /** True when the ask was running (here or on a worker) and is now being stopped. */
  stop(askId: string): Promise<boolean>;
  close(): Promise<void>;
}

/** Runs asks in this process: the default when REDIS_URL is not set. */
export function createInProcessAskQueue(deps: PipelineDeps): AskQueue {
  const running = new Map<string, AbortController>();
  return {
    submit(input, onEvent) {
      const controller = new AbortController();
      running.set(input.askId, controller);
      const done = runAsk(deps, input, onEvent, controller.signal).finally(() =>
        running.delete(input.askId),
      );
      return { done };
    },
    async stop(askId) {
      const controller = running.get(askId);
      if (!controller) return false;
      controller.abort();
      return true;
    },
    async close() {
      for (const controller of running.values()) controller.abort();
      running.clear();
    },
  };
}
