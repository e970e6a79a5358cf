import { describeReasonApart, type Reason } from '@quarry/shared';
import { ErrorDetail } from '../../components/Field';
import { useLocale, useT } from '../../lib/i18n';

/**
 * A definition the schema broke: what is wrong in the admin's language (the database's own
 * words folded beneath), and that asks leave it out until it is fixed.
 */
export function Problem({
  definition,
}: {
  definition: { problem: string | null; problem_reason: Reason | null };
}) {
  const t = useT();
  const { locale } = useLocale();
  if (!definition.problem) return null;
  const said = definition.problem_reason
    ? describeReasonApart(definition.problem_reason, locale)
    : { message: definition.problem };
  return (
    <div className="definition-problem">
      <p className="field-error" role="note">
        <span className="badge badge-bad">{t('Not used by asks')}</span> {said.message}
      </p>
      <ErrorDetail detail={said.detail} />
    </div>
  );
}
