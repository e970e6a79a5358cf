import type { DataSourceView } from '@quarry/shared';
import { type FormEvent, useState } from 'react';
import { Field, FormError } from '../../components/Field';
import { errorMessage } from '../../lib/api';
import { type FieldErrors, serverFieldErrors } from '../../lib/forms';
import { useT } from '../../lib/i18n';
import { useSaveDataSource, useTestConnection } from './api';
import { type DataSourceValues, dataSourceValues, validateDataSource } from './schema';

type Check =
  | { state: 'idle' }
  | { state: 'ok'; url: string }
  | { state: 'failed'; message: string };

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
  const [values, setValues] = useState(() => dataSourceValues(source));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [check, setCheck] = useState<Check>({ state: 'idle' });

  const change = (field: keyof DataSourceValues, value: string) => {
    setValues((current) => ({ ...current, [field]: value }));
    setErrors(({ [field]: _fixed, ...rest }) => rest);
    if (field === 'url') setCheck({ state: 'idle' });
  };

  /** Resolves true when the URL (or, unchanged, the stored one) connects. */
  const runTest = async (): Promise<boolean> => {
    const url = values.url.trim();
    try {
      // With the name, the server fills a masked password in from the stored URL.
      await test.mutateAsync(source ? { url, name: source.name } : { url });
      setCheck({ state: 'ok', url });
      return true;
    } catch (error) {
      setCheck({ state: 'failed', message: errorMessage(error) });
      return false;
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = validateDataSource(values, editing);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    const tested = check.state === 'ok' && check.url === values.url.trim();
    if (!tested && !(await runTest())) return;
    save.mutate(
      { id: source?.id, input: checked.data },
      {
        onSuccess: (saved) => onSaved(saved),
        onError: (error) => setErrors(serverFieldErrors(error, ['name', 'url', 'description'])),
      },
    );
  };

  const testNow = () => {
    const checked = validateDataSource(values, editing);
    if (!checked.ok && checked.errors.url) setErrors({ url: checked.errors.url });
    else void runTest();
  };

  return (
    <form className="form" onSubmit={submit} noValidate>
      <Field
        label={t('Name')}
        hint={
          editing
            ? t('SQL pairs and asks refer to a data source by name, so it cannot change.')
            : t('Lower-case letters, digits, _ and -. Questions pick a data source by this name.')
        }
        error={errors.name}
      >
        {(control) => (
          <input
            {...control}
            className="input"
            value={values.name}
            readOnly={editing}
            autoComplete="off"
            onChange={(event) => change('name', event.target.value)}
          />
        )}
      </Field>
      <Field
        label={t('Connection URL')}
        hint={
          editing
            ? t('The password shows as ***; leave it so to keep the stored one.')
            : t(
                'mysql://user:password@host:3306/database, postgres://user:password@host:5432/database or sqlite:/path/to/file.sqlite',
              )
        }
        error={errors.url}
      >
        {(control) => (
          <input
            {...control}
            className="input mono"
            value={values.url}
            autoComplete="off"
            spellCheck={false}
            onChange={(event) => change('url', event.target.value)}
          />
        )}
      </Field>
      <Field
        label={t('Description')}
        hint={t('What the data is about; it helps pick this source for a question.')}
        error={errors.description}
      >
        {(control) => (
          <textarea
            {...control}
            className="input"
            rows={2}
            value={values.description}
            onChange={(event) => change('description', event.target.value)}
          />
        )}
      </Field>
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
      <FormError message={errors._form} />
      <div className="form-actions">
        <button type="button" className="button" onClick={onCancel}>
          {t('Cancel')}
        </button>
        <button
          type="submit"
          className="button button-primary"
          disabled={save.isPending || test.isPending}
        >
          {save.isPending ? t('Saving…') : t('Test and save')}
        </button>
      </div>
    </form>
  );
}
