import { useT } from '../lib/i18n';

/**
 * A table's header row: a column header per name, then, with `actions`, one over the row
 * actions that only screen readers hear.
 */
export function TableHead({
  columns,
  actions = false,
}: {
  columns: readonly string[];
  actions?: boolean;
}) {
  const t = useT();
  return (
    <thead>
      <tr>
        {columns.map((column) => (
          <th key={column} scope="col">
            {column}
          </th>
        ))}
        {actions ? (
          <th scope="col">
            <span className="visually-hidden">{t('Actions')}</span>
          </th>
        ) : null}
      </tr>
    </thead>
  );
}
