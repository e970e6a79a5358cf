import type { Page, SqlPair } from '@quarry/shared';
import { useQuery } from '@tanstack/react-query';
import { useLocale, useT } from '../../lib/i18n';
import { useApi } from '../../lib/providers';
import { useSchema } from '../datasources/api';
import { exampleQuestions } from './exampleQuestions';
import { QuestionChips } from './QuestionChips';

/** On the empty playground: questions that fit the chosen data source, each one click to ask. */
export function ExampleQuestions({
  datasource,
  onAsk,
}: {
  datasource: string;
  onAsk: (question: string) => void;
}) {
  const t = useT();
  const { locale } = useLocale();
  const api = useApi();
  const name = datasource || 'default';
  const schema = useSchema(name);
  const pairs = useQuery({
    queryKey: ['sql-pairs', 'examples'],
    queryFn: () => api.get<Page<SqlPair>>('/api/sql-pairs', { page_size: 200 }),
  });
  if (schema.isPending || pairs.isPending) return null;
  const questions = exampleQuestions({
    pairQuestions: (pairs.data?.items ?? [])
      .filter((pair) => pair.datasource === name)
      .map((pair) => pair.question),
    tables: schema.data?.tables ?? [],
    locale,
  });
  if (questions.length === 0) return null;
  return (
    <section className="examples" aria-labelledby="example-questions">
      <h2 id="example-questions" className="examples-title">
        {t('Try one of these')}
      </h2>
      <QuestionChips questions={questions} onAsk={onAsk} />
    </section>
  );
}
