import { useState } from 'react';
import { ResultTable } from '../../components/ResultTable';
import { VegaChart } from '../../components/VegaChart';
import { saveBlob } from '../../lib/download';
import { useT } from '../../lib/i18n';
import { useNotify } from '../../lib/notify';
import type { AskRun } from './askRun';
import { resultCsv, resultFileName } from './resultCsv';

type View = 'chart' | 'table';

/** Copies text; where the Clipboard API is refused (no permission, plain http), a hidden textarea does it. */
async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    const copied = document.execCommand('copy');
    area.remove();
    if (!copied) throw new Error('copy refused');
  }
}

/** The rows of a finished ask: as a chart or a table, downloadable as CSV, its SQL one click away. */
export function ResultView({ run }: { run: AskRun }) {
  const t = useT();
  const notify = useNotify();
  const result = run.result;
  const chart = run.chart;
  // The choice belongs to the chart it was made for: a new ask's chart is shown first again.
  const [choice, setChoice] = useState<{ chart: typeof chart; view: View }>({
    chart,
    view: 'chart',
  });
  const view = choice.chart === chart ? choice.view : 'chart';
  const setView = (next: View) => setChoice({ chart, view: next });
  if (!result) return null;
  const shown: View = chart && view === 'chart' ? 'chart' : 'table';

  const download = () =>
    saveBlob(
      new Blob([resultCsv(result.columns, result.rows)], { type: 'text/csv;charset=utf-8' }),
      resultFileName(run.askId),
    );
  const copySql = () =>
    copyText(result.sql).then(
      () => notify('success', t('SQL copied.')),
      () => notify('error', t('Could not copy the SQL.')),
    );

  return (
    <section className="card" aria-labelledby="run-result">
      <div className="card-head result-head">
        <h2 id="run-result">{t('Result')}</h2>
        {chart ? (
          <div className="segmented" role="tablist" aria-label={t('Show the result as')}>
            {(['chart', 'table'] as const).map((each) => (
              <button
                key={each}
                type="button"
                role="tab"
                aria-selected={shown === each}
                aria-controls="run-result-view"
                className={shown === each ? 'segment segment-on' : 'segment'}
                onClick={() => setView(each)}
              >
                {each === 'chart' ? t('Chart') : t('Table')}
              </button>
            ))}
          </div>
        ) : null}
        <div className="button-group">
          <button type="button" className="button" onClick={copySql}>
            {t('Copy SQL')}
          </button>
          <button
            type="button"
            className="button"
            onClick={download}
            disabled={result.rows.length === 0}
          >
            {t('Download CSV')}
          </button>
        </div>
      </div>
      <div id="run-result-view" role={chart ? 'tabpanel' : undefined}>
        {shown === 'chart' && chart ? (
          <VegaChart spec={chart.spec} label={t('Chart of the result')} />
        ) : (
          <ResultTable
            label={t('Result rows')}
            columns={result.columns}
            rows={result.rows}
            rowCount={result.rowCount}
            capped={result.capped}
            formatNumbers
          />
        )}
      </div>
    </section>
  );
}
