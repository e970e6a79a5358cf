import { useT } from '../../lib/i18n';

/** Readable names for the pipeline's stage keys; unknown keys show as they are. */
const STAGE_LABEL: Record<string, string> = {
  historical_match: 'Historical match',
  retrieving_knowledge: 'Knowledge retrieval',
  knowledge_retrieval: 'Knowledge retrieval',
  classifying_intent: 'Intent',
  intent: 'Intent',
  retrieving_schema: 'Schema retrieval',
  schema_retrieval: 'Schema retrieval',
  pruning_columns: 'Column pruning',
  column_pruning: 'Column pruning',
  reasoning: 'Reasoning',
  generating: 'Generation',
  generation: 'Generation',
  post_processing: 'Post-processing',
  dry_run: 'Dry run',
  correction: 'Correction',
  diagnosing: 'Correction',
  executing: 'Execution',
  execution: 'Execution',
};

/** Milliseconds per stage as bars scaled to the slowest, so the bottleneck stands out. */
export function Timings({ timings }: { timings: Record<string, number> }) {
  const t = useT();
  const stages = Object.entries(timings).filter(([stage]) => stage !== 'total');
  if (stages.length === 0) return <p className="muted">{t('No timings were recorded.')}</p>;
  const slowest = Math.max(...stages.map(([, ms]) => ms), 1);
  return (
    <dl className="timings">
      {stages.map(([stage, ms]) => (
        <div key={stage} className="timing">
          <dt>{t(STAGE_LABEL[stage] ?? stage)}</dt>
          <dd>
            <span
              className="timing-bar"
              style={{ width: `${Math.max(2, (ms / slowest) * 100)}%` }}
            />
            <span className="timing-value">{t('{ms} ms', { ms: Math.round(ms) })}</span>
          </dd>
        </div>
      ))}
    </dl>
  );
}
