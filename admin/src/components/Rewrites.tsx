import type { SqlRewrite } from '@quarry/shared';
import { useT } from '../lib/i18n';

/**
 * What the dictionaries changed in the SQL, `RD → 研发中心`, so a reader knows why the SQL
 * differs from what the model wrote (and which entry to fix when the answer looks wrong).
 */
export function Rewrites({ rewrites }: { rewrites: readonly SqlRewrite[] | undefined }) {
  const t = useT();
  if (!rewrites || rewrites.length === 0) return null;
  return (
    <div className="rewrites" data-testid="rewrites">
      <span className="muted">{t('Dictionary rewrites')}:</span>{' '}
      <ul className="chips">
        {unique(rewrites).map((rewrite) => (
          <li
            key={`${rewrite.before}\u0000${rewrite.after}`}
            className="chip mono"
            title={
              rewrite.column ? t('Compared with {column}', { column: rewrite.column }) : undefined
            }
          >
            {rewrite.before} → {rewrite.after}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Each `before → after` once: the same abbreviation may be rewritten twice in one SQL. */
function unique(rewrites: readonly SqlRewrite[]): SqlRewrite[] {
  const seen = new Set<string>();
  return rewrites.filter((rewrite) => {
    const key = `${rewrite.before}\u0000${rewrite.after}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
