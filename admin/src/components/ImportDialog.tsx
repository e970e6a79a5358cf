import type { ImportReport } from '@quarry/shared';
import type { UseMutationResult } from '@tanstack/react-query';
import { type ChangeEvent, useState } from 'react';
import { errorMessage } from '../lib/api';
import { useT } from '../lib/i18n';
import { Field } from './Field';
import { Modal } from './Modal';

export type ImportMutation = UseMutationResult<
  ImportReport,
  Error,
  { text: string; contentType: string }
>;

/** JSON when it looks like JSON (by file name or a leading bracket), CSV otherwise. */
export function importContentType(text: string, fileName = ''): string {
  if (fileName.toLowerCase().endsWith('.json') || /^\s*[[{]/.test(text)) return 'application/json';
  return 'text/csv';
}

/**
 * Imports a CSV or JSON file (chosen or pasted) and reports per row what happened, so a bad row
 * can be fixed without guessing which one it was.
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
  onClose: () => void;
}) {
  const t = useT();
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState('');

  const pickFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    setFileName(file.name);
    setText(await file.text());
    importer.reset();
  };
  const run = () => importer.mutate({ text, contentType: importContentType(text, fileName) });
  const report = importer.data;

  return (
    <Modal
      title={title}
      onClose={onClose}
      wide
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            {report ? t('Done') : t('Cancel')}
          </button>
          <button
            type="button"
            className="button button-primary"
            onClick={run}
            disabled={!text.trim() || importer.isPending}
          >
            {importer.isPending ? t('Importing…') : t('Import')}
          </button>
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
      {importer.isError ? (
        <p className="form-error" role="alert">
          {errorMessage(importer.error)}
        </p>
      ) : null}
      {report ? <ImportReportView report={report} /> : null}
    </Modal>
  );
}

function ImportReportView({ report }: { report: ImportReport }) {
  const t = useT();
  return (
    <section className="import-report" aria-label={t('Import report')} role="status">
      <ul className="stat-row">
        <li>
          <strong>{report.created}</strong> {t('created')}
        </li>
        <li>
          <strong>{report.updated}</strong> {t('updated')}
        </li>
        <li>
          <strong>{report.unchanged}</strong> {t('unchanged')}
        </li>
        <li className={report.errors.length > 0 ? 'stat-bad' : undefined}>
          <strong>{report.errors.length}</strong> {t('rejected')}
        </li>
      </ul>
      {report.errors.length > 0 ? (
        <div className="table-scroll">
          <table className="table table-compact">
            <caption className="visually-hidden">{t('Rejected rows')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('Row')}</th>
                <th scope="col">{t('Field')}</th>
                <th scope="col">{t('Problem')}</th>
              </tr>
            </thead>
            <tbody>
              {report.errors.map((error) => (
                <tr key={`${error.row}-${error.field ?? ''}-${error.message}`}>
                  <td>{error.row}</td>
                  <td>{error.field ?? '—'}</td>
                  <td className="cell-prose">{error.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
