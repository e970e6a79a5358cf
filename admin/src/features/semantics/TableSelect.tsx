import type { ReactNode } from 'react';
import { Field } from '../../components/Field';

/** A labelled choice of one of the data source's tables, bound to one form field. */
export function TableSelect({
  label,
  tables,
  value,
  error,
  onChange,
}: {
  label: ReactNode;
  tables: string[];
  value: string;
  error?: string | undefined;
  onChange: (table: string) => void;
}) {
  return (
    <Field label={label} error={error}>
      {(control) => (
        <select
          {...control}
          className="input"
          value={value}
          onChange={(event) => onChange(event.target.value)}
        >
          {tables.map((table) => (
            <option key={table} value={table}>
              {table}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
