import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { useT } from './i18n';

export type NoticeKind = 'success' | 'error' | 'info';

interface Notice {
  id: number;
  kind: NoticeKind;
  text: string;
}

type Notify = (kind: NoticeKind, text: string) => void;

const NotifyContext = createContext<Notify>(() => undefined);

/** Long enough to read; errors stay twice as long because they usually need acting on. */
const VISIBLE_MS = 4000;

/** Short-lived notices for outcomes that have no place on the page (saved, deleted, failed). */
export function NotifyProvider({ children }: { children: ReactNode }) {
  const t = useT();
  const [notices, setNotices] = useState<Notice[]>([]);
  const dismiss = useCallback((id: number) => {
    setNotices((current) => current.filter((notice) => notice.id !== id));
  }, []);
  const notify = useCallback<Notify>(
    (kind, text) => {
      const id = Date.now() + Math.random();
      setNotices((current) => [...current.slice(-3), { id, kind, text }]);
      setTimeout(() => dismiss(id), kind === 'error' ? VISIBLE_MS * 2 : VISIBLE_MS);
    },
    [dismiss],
  );
  const value = useMemo(() => notify, [notify]);
  return (
    <NotifyContext value={value}>
      {children}
      <section className="notices" aria-live="polite" aria-label={t('Notifications')}>
        {notices.map((notice) => (
          <div
            key={notice.id}
            className={`notice notice-${notice.kind}`}
            role={notice.kind === 'error' ? 'alert' : 'status'}
          >
            <span>{notice.text}</span>
            <button
              type="button"
              className="icon-button"
              aria-label={t('Dismiss')}
              onClick={() => dismiss(notice.id)}
            >
              ×
            </button>
          </div>
        ))}
      </section>
    </NotifyContext>
  );
}

export function useNotify(): Notify {
  return useContext(NotifyContext);
}
