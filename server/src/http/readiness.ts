import { redactUrl } from '../logger.js';

/** Longest a `/ready` check may take before its dependency counts as not ready. */
export const READY_CHECK_TIMEOUT_MS = 2000;

/** One dependency `/ready` looks at: resolves when it can serve, throws saying why not. */
export interface ReadinessCheck {
  name: string;
  check(timeoutMs: number): Promise<void>;
}

export interface DependencyReadiness {
  ready: boolean;
  /** Milliseconds the check took. */
  ms: number;
  error?: string;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, DependencyReadiness>;
}

/**
 * Runs every check at once, each bounded by `timeoutMs` (a dependency that hangs is not
 * ready), and reports each one: the server is ready when all are.
 */
export async function checkReadiness(
  checks: readonly ReadinessCheck[],
  timeoutMs: number,
): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async ({ name, check }): Promise<[string, DependencyReadiness]> => {
      const started = performance.now();
      const ms = () => Math.round((performance.now() - started) * 10) / 10;
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([check(timeoutMs), expired]);
        return [name, { ready: true, ms: ms() }];
      } catch (error) {
        // `/ready` is open to anyone who reaches the port: never a URL's password.
        const message = redactUrl(error instanceof Error ? error.message : String(error));
        return [name, { ready: false, ms: ms(), error: message }];
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return {
    ready: results.every(([, result]) => result.ready),
    checks: Object.fromEntries(results),
  };
}
