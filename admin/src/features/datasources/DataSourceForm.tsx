import type { DataSourceView } from '@quarry/shared';
import { useState } from 'react';
import { ErrorDetail, RecordFormFrame, TextField } from '../../components/Field';
import { errorDetail, errorMessage } from '../../lib/api';
import { useRecordForm } from '../../lib/forms';
import { useT } from '../../lib/i18n';
import { useSaveDataSource, useTestConnection } from './api';
import { dataSourceValues, validateDataSource } from './schema';

type Check =
  | { state: 'idle' }
  | { state: 'ok'; url: string }
  | { state: 'failed'; message: string; detail?: string | undefined };

/**
 * Adds or edits a data source. Saving first connects with the URL and reads the schema, so a
 * typo in a host or password is caught here and not by the next person who asks a question.
 */
export function DataSourceForm({
  source,
  onSaved,
  onCancel,
}: {
  source?: DataSourceView;
  onSaved: (source: DataSourceView) => void;
  onCancel: () => void;
}) {
  const t = useT();
  const editing = source !== undefined;
  const save = useSaveDataSource();
  const test = useTestConnection();
  const [check, setCheck] = useState<Check>({ state: 'idle' });
  const form = useRecordForm({
    initial: () => dataSourceValues(source),
    validate: (values) => validateDataSource(values, editing),
    save,
    id: source?.id,
    onSaved,
    onChange: (field) => {
      if (field === 'url') setCheck({ state: 'idle' });
    },
    // Saving a URL that has not connected yet tests it first; a failed test keeps the form open.
    beforeSave: (): boolean | Promise<boolean> =>
      (check.state === 'ok' && check.url === values.url.trim()) || runTest(),
  });
  const { values, setErrors } = form;

  /** Resolves true when the URL (or, unchanged, the stored one) connects. */
  const runTest = async (): Promise<boolean> => {
    const url = values.url.trim();
    try {
      // With the name, the server fills a masked password in from the stored URL.
      await test.mutateAsync(source ? { url, name: source.name } : { url });
      setCheck({ state: 'ok', url });
      return true;
    } catch (error) {
      setCheck({ state: 'failed', message: errorMessage(error), detail: errorDetail(error) });
      return false;
    }
  };

  const testNow = () => {
    const checked = validateDataSource(values, editing);
    if (!checked.ok && checked.errors.url) setErrors({ url: checked.errors.url });
    else void runTest();
  };

  return (
    <RecordFormFrame
      form={form}
      onCancel={onCancel}
      busy={save.isPending || test.isPending}
      submitLabel={t('Test and save')}
    >
      <TextField
        label={t('Name')}
        hint={
          editing
            ? t('SQL pairs and asks refer to a data source by name, so it cannot change.')
            : t('Lower-case letters, digits, _ and -. Questions pick a data source by this name.')
        }
        readOnly={editing}
        autoComplete="off"
        {...form.field('name')}
      />
      <TextField
        label={t('Connection URL')}
        hint={
          editing
            ? t('The password shows as ***; leave it so to keep the stored one.')
            : t(
                'mysql://user:password@host:3306/database, postgres://user:password@host:5432/database or sqlite:/path/to/file.sqlite',
              )
        }
        mono
        autoComplete="off"
        spellCheck={false}
        {...form.field('url')}
      />
      <TextField
        label={t('Description')}
        hint={t('What the data is about; it helps pick this source for a question.')}
        rows={2}
        {...form.field('description')}
      />
      <div className="connection-check" aria-live="polite">
        <button type="button" className="button" onClick={testNow} disabled={test.isPending}>
          {test.isPending ? t('Connecting…') : t('Test connection')}
        </button>
        {check.state === 'ok' ? <span className="check-ok">{t('Connected.')}</span> : null}
        {check.state === 'failed' ? (
          <span className="check-failed" role="alert">
            {check.message}
          </span>
        ) : null}
      </div>
      {check.state === 'failed' ? <ErrorDetail detail={check.detail} /> : null}
    </RecordFormFrame>
  );
}
