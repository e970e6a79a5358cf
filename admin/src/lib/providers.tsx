import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useMemo, useRef } from 'react';
import { type ApiClient, ApiError, createApiClient, errorMessage, type Fetch } from './api';
import { type Locale, LocaleProvider } from './i18n';
import { NotifyProvider, useNotify } from './notify';
import { isUnauthorized, SessionProvider, useSession } from './session';

declare module '@tanstack/react-query' {
  interface Register {
    mutationMeta: {
      /** The form shows this mutation's errors itself (field messages next to fields). */
      inlineErrors?: boolean;
    };
  }
}

const ApiContext = createContext<ApiClient | null>(null);

export function useApi(): ApiClient {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi needs AppProviders');
  return api;
}

/**
 * The one place server errors are handled: a 401 anywhere ends the session (the login page
 * says why); a failed mutation without its own form shows a notice; failed queries render
 * their error state where the data would have been.
 */
function ApiLayer({ children, fetch }: { children: ReactNode; fetch?: Fetch }) {
  const session = useSession();
  const notify = useNotify();
  // The client outlives renders; refs let its callbacks see the current session.
  const tokenRef = useRef(session.token);
  tokenRef.current = session.token;
  const handlers = useRef({ signOut: session.signOut, notify });
  handlers.current = { signOut: session.signOut, notify };

  const api = useMemo(() => createApiClient({ token: () => tokenRef.current, fetch }), [fetch]);
  const queryClient = useMemo(
    () =>
      new QueryClient({
        queryCache: new QueryCache({
          onError: (error) => {
            if (isUnauthorized(error)) handlers.current.signOut('expired');
          },
        }),
        mutationCache: new MutationCache({
          onError: (error, _variables, _context, mutation) => {
            if (isUnauthorized(error)) handlers.current.signOut('expired');
            else if (!mutation.meta?.inlineErrors)
              handlers.current.notify('error', errorMessage(error));
          },
        }),
        defaultOptions: {
          queries: {
            staleTime: 5_000,
            refetchOnWindowFocus: false,
            // A 4xx will not change on retry; a network blip or 5xx might.
            retry: (count, error) =>
              !(error instanceof ApiError && error.status >= 400 && error.status < 500) &&
              count < 2,
          },
        },
      }),
    [],
  );
  useEffect(() => {
    if (!session.token) queryClient.clear();
  }, [session.token, queryClient]);

  return (
    <ApiContext value={api}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </ApiContext>
  );
}

/** Everything a console page needs around it; tests pass their own fetch and token. */
export function AppProviders({
  children,
  fetch,
  initialToken,
  locale,
}: {
  children: ReactNode;
  fetch?: Fetch;
  initialToken?: string | null;
  locale?: Locale;
}) {
  return (
    <LocaleProvider {...(locale ? { locale } : {})}>
      <NotifyProvider>
        <SessionProvider {...{ fetch, initialToken }}>
          <ApiLayer fetch={fetch}>{children}</ApiLayer>
        </SessionProvider>
      </NotifyProvider>
    </LocaleProvider>
  );
}
