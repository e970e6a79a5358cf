import type { AskRecord } from '@quarry/shared';
import { Link, useParams } from 'react-router';
import { PageHeader } from '../../components/Layout';
import { LazySqlEditor } from '../../components/LazySqlEditor';
import { ResultTable } from '../../components/ResultTable';
import { Rewrites } from '../../components/Rewrites';
import { QueryState } from '../../components/states';
import { formatTime, useLocale } from '../../lib/i18n';
import { AskAnswer } from './AskAnswer';
import { AskTrace } from './AskTrace';
import { useAsk } from './api';
import { FeedbackForm } from './FeedbackForm';
import { Asker, SOURCE_LABEL, StatusBadge, totalSeconds } from './labels';
import { ReviewPanel } from './ReviewPanel';
import { Timings } from './Timings';

/** One ask in full: what was asked, how each stage went, the SQL, and promotion to a SQL pair. */
export function AskDetailPage() {
  const { t } = useLocale();
  const { id = '' } = useParams();
  const ask = useAsk(id);
  return (
    <>
      <PageHeader
        title={t('Ask')}
        actions={
          <Link className="button" to="/asks">
            {t('Back to history')}
          </Link>
        }
      />
      <QueryState query={ask}>{(record) => <AskDetail ask={record} />}</QueryState>
    </>
  );
}

function AskDetail({ ask }: { ask: AskRecord }) {
  const { t, locale } = useLocale();

  return (
    <div className="detail">
      <section className="card">
        <h2 className="question">{ask.question}</h2>
        {ask.rephrased_question && ask.rephrased_question !== ask.question ? (
          <p className="muted">
            {t('Understood as')}: <q>{ask.rephrased_question}</q>
          </p>
        ) : null}
        <dl className="facts">
          <div>
            <dt>{t('Status')}</dt>
            <dd>
              <StatusBadge status={ask.status} />
            </dd>
          </div>
          <div>
            <dt>{t('Who')}</dt>
            <dd>
              <Asker ask={ask} />
            </dd>
          </div>
          <div>
            <dt>{t('Where')}</dt>
            <dd>{t(SOURCE_LABEL[ask.source] ?? ask.source)}</dd>
          </div>
          <div>
            <dt>{t('Data source')}</dt>
            <dd>{ask.datasource}</dd>
          </div>
          <div>
            <dt>{t('Rows')}</dt>
            <dd>{ask.row_count ?? '—'}</dd>
          </div>
          <div>
            <dt>{t('Time')}</dt>
            <dd>{t('{s} s', { s: totalSeconds(ask.timings) })}</dd>
          </div>
          <div className="fact-wide">
            <dt>{t('Asked at')}</dt>
            <dd>{formatTime(ask.created_at, locale)}</dd>
          </div>
          {ask.intent ? (
            <div>
              <dt>{t('Intent')}</dt>
              <dd>{ask.intent}</dd>
            </div>
          ) : null}
          {ask.semantics_used ? (
            <div className="fact-wide">
              <dt>{t('Semantic layer used')}</dt>
              <dd>
                {[...ask.semantics_used.metrics, ...ask.semantics_used.calculated_fields].join(
                  ', ',
                )}
              </dd>
            </div>
          ) : null}
        </dl>
        {ask.error ? (
          <p className="form-error">
            {ask.error_code ? <code>{ask.error_code}</code> : null} {ask.error}
          </p>
        ) : null}
      </section>

      <section className="card" aria-labelledby="ask-sql">
        <h2 id="ask-sql">{t('SQL')}</h2>
        {ask.sql ? (
          <>
            <LazySqlEditor value={ask.sql} readOnly labelledBy="ask-sql" />
            <Rewrites rewrites={ask.rewrites} />
          </>
        ) : (
          <p className="muted">{t('No SQL was produced.')}</p>
        )}
      </section>

      {ask.result_sample ? (
        <section className="card" aria-labelledby="ask-result">
          <h2 id="ask-result">{t('Result rows')}</h2>
          <ResultTable
            columns={ask.result_sample.columns}
            rows={ask.result_sample.rows}
            rowCount={ask.result_sample.row_count}
            label={t('The rows, as kept with the ask')}
            formatNumbers
          />
          {ask.result_sample.truncated ? (
            <p className="muted">
              {t('The history keeps the first {n} rows, long texts cut.', {
                n: ask.result_sample.rows.length,
              })}
            </p>
          ) : null}
        </section>
      ) : null}

      <AskAnswer ask={ask} />

      <AskTrace ask={ask} />

      <ReviewPanel key={`${ask.id}-${ask.promoted_pair_id ?? ''}`} ask={ask} />

      <div className="detail-columns">
        <section className="card" aria-labelledby="ask-timings">
          <h2 id="ask-timings">{t('Time per stage')}</h2>
          <Timings timings={ask.timings} />
        </section>
        <section className="card" aria-labelledby="ask-feedback">
          <h2 id="ask-feedback">{t('Feedback')}</h2>
          <FeedbackForm ask={ask} />
        </section>
      </div>
    </div>
  );
}
