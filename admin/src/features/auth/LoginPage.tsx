import { type FormEvent, useEffect, useState } from 'react';
import { Navigate, useLocation } from 'react-router';
import { Field } from '../../components/Field';
import { ApiError, errorMessage } from '../../lib/api';
import { useT } from '../../lib/i18n';
import { useSession } from '../../lib/session';

/** Sign-in with the admin token (ADMIN_TOKEN, or the one the server printed at first start). */
export function LoginPage() {
  const t = useT();
  const session = useSession();
  const location = useLocation();
  const [token, setToken] = useState('');
  const [remember, setRemember] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    document.title = `${t('Sign in')} · Quarry`;
  }, [t]);

  if (session.token) {
    const from = (location.state as { from?: { pathname?: string } } | null)?.from?.pathname;
    return <Navigate to={from && from !== '/login' ? from : '/'} replace />;
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!token.trim()) {
      setError(t('Enter the admin token.'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await session.signIn(token, remember);
    } catch (caught) {
      setError(
        caught instanceof ApiError && caught.status === 401
          ? t('That token is not correct.')
          : errorMessage(caught),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login">
      <form className="card login-card" onSubmit={submit} noValidate>
        <h1 className="login-title">
          <span className="brand-mark" aria-hidden="true" /> Quarry
        </h1>
        <p className="muted">{t('Sign in to the admin console.')}</p>
        {session.endedBecause === 'expired' && !error ? (
          <p className="form-notice" role="status">
            {t('Your session ended: the admin token is no longer accepted. Sign in again.')}
          </p>
        ) : null}
        <Field
          label={t('Admin token')}
          hint={t(
            'The ADMIN_TOKEN setting, or the token the server printed when it first started.',
          )}
          error={error}
        >
          {(ids) => (
            <input
              {...ids}
              type="password"
              className="input"
              autoComplete="current-password"
              value={token}
              onChange={(event) => setToken(event.target.value)}
            />
          )}
        </Field>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={remember}
            onChange={(event) => setRemember(event.target.checked)}
          />
          {t('Keep me signed in on this device')}
        </label>
        <button type="submit" className="button button-primary button-block" disabled={busy}>
          {busy ? t('Checking…') : t('Sign in')}
        </button>
      </form>
    </main>
  );
}
