import {
  describeReason,
  describeReasonApart,
  fieldName,
  type ImportPreviewRow,
  type ImportReport,
} from '@quarry/shared';
import type { UseMutationResult } from '@tanstack/react-query';
import { type ChangeEvent, Fragment, useState } from 'react';
import { localMessage } from '../lib/api';
import { useLocale } from '../lib/i18n';
import type { ImportVariables } from '../lib/resources';
import { ErrorDetail, Field, RequestError } from './Field';
import { Modal } from './Modal';
import { TableHead } from './TableHead';

export type ImportMutation = UseMutationResult<ImportReport, Error, ImportVariables>;

/** JSON when it looks like JSON (by file name or a leading bracket), CSV otherwise. */
export function importContentType(text: string, fileName = ''): string {
  if (fileName.toLowerCase().endsWith('.json') || /^\s*[[{]/.test(text)) return 'application/json';
  return 'text/csv';
}

/**
 * Imports a CSV or JSON file (chosen or pasted) in two steps: a preview that writes nothing
 * and lists every row as new, changed (with what it replaces), unchanged or rejected (with the
 * reason), then the import itself. Replacing stored entries is an explicit choice.
 */
export function ImportDialog({
  title,
  columns,
  importer,
  onClose,
}: {
  title: string;
  /** The CSV header the endpoint expects, e.g. `question,sql`. */
  columns: string;
  importer: ImportMutation;
  /** Called once the dialog has cleared the importer's last report. */
  onClose: () => void;
}) {
  const { t } = useLocale();
  // The next opening starts without the report of this one.
  const close = () => {
    importer.reset();
    onClose();
  };
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState('');
  const [overwrite, setOverwrite] = useState(false);

  const pickFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    setFileName(file.name);
    setText(await file.text());
    importer.reset();
  };
  const send = (dryRun: boolean) =>
    importer.mutate({
      text,
      contentType: importContentType(text, fileName),
      mode: overwrite ? 'overwrite' : 'create_only',
      dryRun,
    });
  const report = importer.data;
  const previewed = report?.dry_run === true;
  const done = report !== undefined && !report.dry_run;
  const toWrite = report ? report.created + report.updated : 0;

  return (
    <Modal
      title={title}
      onClose={close}
      wide
      footer={
        <>
          <button type="button" className="button" onClick={close}>
            {done ? t('Done') : t('Cancel')}
          </button>
          {previewed ? (
            <button
              type="button"
              className="button button-primary"
              onClick={() => send(false)}
              disabled={importer.isPending || toWrite === 0}
            >
              {importer.isPending ? t('Importing…') : t('Import {n} rows', { n: toWrite })}
            </button>
          ) : done ? null : (
            <button
              type="button"
              className="button button-primary"
              onClick={() => send(true)}
              disabled={!text.trim() || importer.isPending}
            >
              {importer.isPending ? t('Checking…') : t('Preview')}
            </button>
          )}
        </>
      }
    >
      <p className="muted">
        {t('A CSV file with the header {columns}, or a JSON array of objects with those keys.', {
          columns,
        })}
      </p>
      <Field label={t('File')}>
        {(control) => (
          <input
            {...control}
            type="file"
            accept=".csv,.json,text/csv,application/json"
            onChange={pickFile}
          />
        )}
      </Field>
      <Field label={t('Or paste the contents')}>
        {(control) => (
          <textarea
            {...control}
            className="input mono"
            rows={6}
            value={text}
            placeholder={`${columns}\n…`}
            onChange={(event) => {
              setText(event.target.value);
              importer.reset();
            }}
          />
        )}
      </Field>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={overwrite}
          disabled={done}
          onChange={(event) => {
            setOverwrite(event.target.checked);
            importer.reset();
          }}
        />{' '}
        {t('Overwrite stored entries that differ')}
      </label>
      <RequestError request={importer} />
      {report ? <ImportReportView report={report} /> : null}
    </Modal>
  );
}

const STATUS_LABELS: Record<ImportPreviewRow['status'], string> = {
  new: 'new',
  changed: 'changed',
  unchanged: 'unchanged',
  rejected: 'rejected',
};

function ImportReportView({ report }: { report: ImportReport }) {
  const { t, locale } = useLocale();
  const rows = report.rows ?? [];
  const shown = rows.filter((row) => row.status !== 'unchanged');
  return (
    <section
      className="import-report"
      aria-label={report.dry_run ? t('Import preview') : t('Import report')}
      role="status"
    >
      {report.dry_run ? (
        <p>{t('Nothing has been written yet. Check the rows, then import.')}</p>
      ) : null}
      <ul className="stat-row">
        <li>
          <strong>{report.created}</strong> {report.dry_run ? t('new') : t('created')}
        </li>
        <li>
          <strong>{report.updated}</strong> {report.dry_run ? t('to overwrite') : t('updated')}
        </li>
        {report.skipped > 0 ? (
          <li>
            <strong>{report.skipped}</strong> {t('changed, kept as stored')}
          </li>
        ) : null}
        <li>
          <strong>{report.unchanged}</strong> {t('unchanged')}
        </li>
        <li className={report.errors.length > 0 ? 'stat-bad' : undefined}>
          <strong>{rows.filter((row) => row.status === 'rejected').length}</strong> {t('rejected')}
        </li>
      </ul>
      {shown.length > 0 ? (
        <div className="table-scroll">
          <table className="table table-compact">
            <caption className="visually-hidden">{t('Rows of the file')}</caption>
            <TableHead columns={[t('Row'), t('Status'), t('Entry'), t('Change or problem')]} />
            <tbody>
              {shown.map((row) => (
                <tr key={row.row} data-status={row.status}>
                  <td>{row.row}</td>
                  <td>
                    <span className={`badge badge-${row.status}`}>
                      {t(STATUS_LABELS[row.status])}
                      {row.status === 'changed' && !row.written ? ` · ${t('kept')}` : ''}
                    </span>
                  </td>
                  <td className="cell-prose">{row.key || '—'}</td>
                  <td className="cell-prose">
                    {row.status === 'changed' ? <RowDiff row={row} /> : null}
                    {(row.errors ?? []).map((error) => (
                      <Fragment key={`${error.field ?? ''}-${error.message}`}>
                        <p className="form-error">
                          {error.field ? `${fieldName(error.field, locale)}: ` : ''}
                          {localMessage(error.message, error.reason, 'BAD_REQUEST', locale)}
                        </p>
                        <ErrorDetail
                          detail={error.reason && describeReasonApart(error.reason, 'en').detail}
                        />
                      </Fragment>
                    ))}
                    {(row.warnings ?? []).map((warning) => (
                      <p key={warning.code} className="muted">
                        ⚠ {describeReason(warning, locale)}
                      </p>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

/** The stored value struck through above the file's value, per field that differs. */
function RowDiff({ row }: { row: ImportPreviewRow }) {
  const { locale } = useLocale();
  return (
    <dl className="diff">
      {Object.entries(row.before ?? {}).map(([field, before]) => (
        <div key={field}>
          <dt>{fieldName(field, locale)}</dt>
          <dd>
            <del className="mono">{show(before)}</del>
            <ins className="mono">{show(row.values?.[field])}</ins>
          </dd>
        </div>
      ))}
    </dl>
  );
}

function show(value: unknown): string {
  if (Array.isArray(value)) return value.join(' ');
  return value === undefined || value === null ? '' : String(value);
}
