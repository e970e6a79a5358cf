import type { ErrorCode } from './errorCodes.js';

/**
 * The ask status ladder. An ask moves forward through these (it may skip rungs) and ends
 * in exactly one of the three terminal states.
 */
export const ASK_STATUSES = [
  'understanding',
  'searching',
  'planning',
  'generating',
  'correcting',
  'executing',
  'finished',
  'failed',
  'stopped',
] as const;

export type AskStatus = (typeof ASK_STATUSES)[number];

export const TERMINAL_STATUSES: ReadonlySet<AskStatus> = new Set(['finished', 'failed', 'stopped']);

export function isTerminalStatus(status: AskStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

/** The terminal status an error ends an ask with: `stopped` when it was stopped, else `failed`. */
export function statusOfError(code: ErrorCode): Extract<AskStatus, 'failed' | 'stopped'> {
  return code === 'STOPPED' ? 'stopped' : 'failed';
}
