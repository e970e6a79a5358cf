import { useState } from 'react';
import { RequestError } from '../../components/Field';
import { useT } from '../../lib/i18n';
import { useSaveDescription } from './api';

/**
 * Hides a table or column from the assistant: the model never sees it and SQL that reads it
 * is refused. Saved on change, since a checkbox that needs a separate Save is easy to leave
 * half-done on a page of many.
 */
export function HiddenToggle({
  datasource,
  table,
  column,
  hidden,
  subject,
  showLabel = false,
}: {
  datasource: string;
  table: string;
  column?: string;
  hidden: boolean;
  /** What is hidden, for the label: "orders" or "orders.total". */
  subject: string;
  /** Show the words next to the box (a table's toggle); a column's sits under a header. */
  showLabel?: boolean;
}) {
  const t = useT();
  const save = useSaveDescription(datasource);
  // What the admin just asked for, shown at once (a controlled box would otherwise snap back
  // until the save and the schema refetch finish); the stored value again once it settles.
  const [wanted, setWanted] = useState<boolean | null>(null);
  const checked = wanted ?? hidden;
  return (
    <div className="hidden-toggle">
      <label className="checkbox">
        <input
          type="checkbox"
          aria-label={t('Hide {subject} from the assistant', { subject })}
          checked={checked}
          disabled={save.isPending}
          onChange={(event) => {
            setWanted(event.target.checked);
            save.mutate(
              { table, column: column ?? null, hidden: event.target.checked },
              { onSettled: () => setWanted(null) },
            );
          }}
        />
        {showLabel ? t('Hidden from the assistant') : null}
      </label>
      <RequestError request={save} inField />
    </div>
  );
}
