import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { ApiError, createApiClient, type Fetch } from './api';

const STORAGE_KEY = 'quarry.adminToken';

export type SignOutReason = 'signed_out' | 'expired';

export interface Session {
  token: string | null;
  /** Why the last session ended, so the login page can say the token stopped working. */
  endedBecause: SignOutReason | null;
  /** Checks the token against the server first; throws `ApiError` (401) when it is wrong. */
  signIn(token: string, remember: boolean): Promise<void>;
  signOut(reason?: SignOutReason): void;
}

const SessionContext = createContext<Session | null>(null);

function readStoredToken(): string | null {
  return (
    globalThis.sessionStorage?.getItem(STORAGE_KEY) ??
    globalThis.localStorage?.getItem(STORAGE_KEY) ??
    null
  );
}

/**
 * The admin token. It lives in sessionStorage (gone when the tab closes) unless the admin asks
 * to be remembered on this device, then in localStorage.
 */
export function SessionProvider({
  children,
  fetch,
  initialToken,
}: {
  children: ReactNode;
  fetch?: Fetch;
  initialToken?: string | null;
}) {
  const [token, setToken] = useState<string | null>(() =>
    initialToken === undefined ? readStoredToken() : initialToken,
  );
  const [endedBecause, setEndedBecause] = useState<SignOutReason | null>(null);

  const signIn = useCallback(
    async (candidate: string, remember: boolean) => {
      const trimmed = candidate.trim();
      await createApiClient({ token: () => trimmed, fetch }).get('/api/session');
      const storage = remember ? globalThis.localStorage : globalThis.sessionStorage;
      storage?.setItem(STORAGE_KEY, trimmed);
      setEndedBecause(null);
      setToken(trimmed);
    },
    [fetch],
  );

  const signOut = useCallback((reason: SignOutReason = 'signed_out') => {
    globalThis.sessionStorage?.removeItem(STORAGE_KEY);
    globalThis.localStorage?.removeItem(STORAGE_KEY);
    setEndedBecause(reason);
    setToken(null);
  }, []);

  const value = useMemo(
    () => ({ token, endedBecause, signIn, signOut }),
    [token, endedBecause, signIn, signOut],
  );
  return <SessionContext value={value}>{children}</SessionContext>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession needs a SessionProvider');
  return session;
}

export function isUnauthorized(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401;
}
