import type { AskRecord, ChartKind } from '@quarry/shared';
import { VegaChart } from '../../components/VegaChart';
import { useT } from '../../lib/i18n';

/**
 * What the asker read after the rows, as the history kept it: the answer sentence, the chart
 * and the follow-up questions offered. Nothing when the ask made none of them.
 */
export function AskAnswer({ ask }: { ask: AskRecord }) {
  const t = useT();
  const chart = ask.chart ?? null;
  const followUps = ask.follow_ups ?? [];
  if (ask.answer === null && !chart && followUps.length === 0) return null;
  return (
    <section className="card answer-card" aria-labelledby="ask-answer">
      <h2 id="ask-answer">{t('Answer')}</h2>
      {ask.answer !== null ? (
        <p className="answer-text prewrap" data-testid="ask-answer">
          {ask.answer || t('The answer could not be written.')}
        </p>
      ) : null}
      {chart?.spec ? <VegaChart spec={chart.spec} label={t('Chart of the result')} /> : null}
      {chart && !chart.spec ? (
        <p className="muted small">
          {t('A {kind} was drawn; its data was too large to keep.', {
            kind: t(CHART_NAMES[chart.kind]),
          })}
        </p>
      ) : null}
      {followUps.length > 0 ? (
        <div className="follow-ups">
          <h3 className="follow-ups-title">{t('Follow-up questions offered')}</h3>
          <ul className="chips">
            {followUps.map((question) => (
              <li key={question} className="chip">
                {question}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}

const CHART_NAMES: Record<ChartKind, string> = {
  line: 'line chart',
  bar: 'bar chart',
  grouped_bar: 'grouped bar chart',
  stacked_bar: 'stacked bar chart',
  pie: 'pie chart',
  scatter: 'scatter plot',
};
