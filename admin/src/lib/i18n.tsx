import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
} from 'react';
import { setMessageLocale } from './api';
import { zh } from './zh';

export type Locale = 'en' | 'zh';
export type Translate = (text: string, vars?: Record<string, string | number>) => string;

const STORAGE_KEY = 'quarry.locale';

interface LocaleState {
  locale: Locale;
  setLocale(locale: Locale): void;
  t: Translate;
}

/** Fills `{name}` placeholders. */
function interpolate(text: string, vars?: Record<string, string | number>): string {
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in vars ? String(vars[name]) : whole,
  );
}

const english: Translate = (text, vars) => interpolate(text, vars);

const LocaleContext = createContext<LocaleState>({
  locale: 'en',
  setLocale: () => undefined,
  t: english,
});

function initialLocale(): Locale {
  const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
  if (stored === 'en' || stored === 'zh') return stored;
  return globalThis.navigator?.language?.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

/**
 * The console speaks English and Chinese. English text is its own key, so a string missing from
 * the Chinese catalogue still reads correctly, just untranslated.
 */
export function LocaleProvider({
  children,
  locale: fixed,
}: {
  children: ReactNode;
  locale?: Locale;
}) {
  const [locale, setLocaleState] = useState<Locale>(() => fixed ?? initialLocale());
  // Set during render, so errors formatted in this render already use the new language.
  setMessageLocale(locale);
  const setLocale = useCallback((next: Locale) => {
    setLocaleState(next);
    globalThis.localStorage?.setItem(STORAGE_KEY, next);
  }, []);
  useEffect(() => {
    // The lang attribute picks CJK glyph variants and line-breaking rules in the browser.
    document.documentElement.lang = locale === 'zh' ? 'zh-CN' : 'en';
  }, [locale]);
  const t = useCallback<Translate>(
    (text, vars) => interpolate(locale === 'zh' ? (zh[text] ?? text) : text, vars),
    [locale],
  );
  const value = useMemo(() => ({ locale, setLocale, t }), [locale, setLocale, t]);
  return <LocaleContext value={value}>{children}</LocaleContext>;
}

export function useLocale(): LocaleState {
  return useContext(LocaleContext);
}

export function useT(): Translate {
  return useContext(LocaleContext).t;
}

/** Dates in the reader's locale, to the second: asks are compared at that grain. */
export function formatTime(iso: string, locale: Locale): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(locale === 'zh' ? 'zh-CN' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'medium',
  });
}
