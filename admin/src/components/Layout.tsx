import { type ReactNode, useEffect, useState } from 'react';
import { Navigate, NavLink, Outlet, useLocation } from 'react-router';
import { type Locale, useLocale } from '../lib/i18n';
import { useSession } from '../lib/session';

const NAV = [
  { to: '/playground', label: 'Playground' },
  { to: '/asks', label: 'Ask history' },
  { to: '/sql-pairs', label: 'SQL pairs' },
  { to: '/instructions', label: 'Instructions' },
  { to: '/dictionaries', label: 'Dictionaries' },
  { to: '/datasources', label: 'Data sources' },
] as const;

/** The signed-in frame: navigation, language and sign-out around the current page. */
export function Layout() {
  const { t, locale, setLocale } = useLocale();
  const session = useSession();
  const location = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  // A phone's menu covers the page; following a link should reveal the page again.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on navigation on purpose
  useEffect(() => setMenuOpen(false), [location.pathname]);

  if (!session.token) return <Navigate to="/login" replace state={{ from: location }} />;

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('Skip to content')}
      </a>
      <header className="topbar">
        <button
          type="button"
          className="icon-button menu-toggle"
          aria-expanded={menuOpen}
          aria-controls="main-nav"
          onClick={() => setMenuOpen((open) => !open)}
        >
          <span aria-hidden="true">☰</span>
          <span className="visually-hidden">{t('Menu')}</span>
        </button>
        <span className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Quarry <span className="brand-sub">{t('console')}</span>
        </span>
        <div className="topbar-actions">
          <label className="visually-hidden" htmlFor="locale">
            {t('Language')}
          </label>
          <select
            id="locale"
            className="input input-small"
            value={locale}
            onChange={(event) => setLocale(event.target.value as Locale)}
          >
            <option value="en">English</option>
            <option value="zh">中文</option>
          </select>
          <button type="button" className="button button-quiet" onClick={() => session.signOut()}>
            {t('Sign out')}
          </button>
        </div>
      </header>
      <nav
        id="main-nav"
        className={menuOpen ? 'sidenav sidenav-open' : 'sidenav'}
        aria-label={t('Sections')}
      >
        <ul>
          {NAV.map((item) => (
            <li key={item.to}>
              <NavLink to={item.to} className={({ isActive }) => (isActive ? 'active' : undefined)}>
                {t(item.label)}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}

/** A page's title row with its actions; also names the browser tab. */
export function PageHeader({
  title,
  description,
  actions,
}: {
  title: string;
  description?: string;
  actions?: ReactNode;
}) {
  useEffect(() => {
    document.title = `${title} · Quarry`;
  }, [title]);
  return (
    <div className="page-header">
      <div>
        <h1>{title}</h1>
        {description ? <p className="page-description">{description}</p> : null}
      </div>
      {actions ? <div className="page-actions">{actions}</div> : null}
    </div>
  );
}
