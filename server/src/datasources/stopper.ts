import type { QuarryError } from '../errors.js';
import { type QueryPhase, stoppedError, timeoutError } from './queryErrors.js';

/**
 * One call's limits as a single event: the wall-clock time limit passing or the caller's
 * signal aborting, whichever comes first, turned into the QuarryError to report.
 */
export interface Stopper {
  /** Rejects when the time limit passes or the signal aborts. */
  stopped: Promise<never>;
  /** Aborts (with the QuarryError as its reason) when the call is stopped. */
  signal: AbortSignal;
  onStop(listener: (error: QuarryError) => void): void;
  dispose(): void;
}

/** Starts the clock at once; `dispose` when the call is over. */
export function createStopper(
  timeoutMs: number,
  phase: QueryPhase,
  signal: AbortSignal | undefined,
): Stopper {
  let fire: (error: QuarryError) => void = () => undefined;
  const stopped = new Promise<never>((_resolve, reject) => {
    fire = reject;
  });
  stopped.catch(() => undefined); // observed through onStop/race; never unhandled
  const listeners: ((error: QuarryError) => void)[] = [];
  const controller = new AbortController();
  let fired: QuarryError | undefined;
  const stop = (error: QuarryError) => {
    if (fired) return;
    fired = error;
    fire(error);
    controller.abort(error);
    for (const listener of listeners) listener(error);
  };
  const timer = setTimeout(() => stop(timeoutError(timeoutMs, phase)), timeoutMs);
  const onAbort = () => stop(stoppedError());
  if (signal?.aborted) onAbort();
  signal?.addEventListener('abort', onAbort, { once: true });
  return {
    stopped,
    signal: controller.signal,
    onStop(listener) {
      if (fired) listener(fired);
      else listeners.push(listener);
    },
    dispose() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    },
  };
}
