import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useT } from '../lib/i18n';

/**
 * A record's Edit and Delete buttons, as every list shows them; `children` (other actions of
 * the row) come first.
 */
export function RowActions({
  edit,
  onDelete,
  children,
}: {
  /** A path links to the record's edit page; a callback opens its form in place. */
  edit: string | (() => void);
  /** Left out where the record cannot be deleted. */
  onDelete?: (() => void) | undefined;
  children?: ReactNode;
}) {
  const t = useT();
  return (
    <div className="row-actions">
      {children}
      {typeof edit === 'string' ? (
        <Link className="button button-small" to={edit}>
          {t('Edit')}
        </Link>
      ) : (
        <button type="button" className="button button-small" onClick={edit}>
          {t('Edit')}
        </button>
      )}
      {onDelete ? (
        <button
          type="button"
          className="button button-small button-danger-quiet"
          onClick={onDelete}
        >
          {t('Delete')}
        </button>
      ) : null}
    </div>
  );
}
