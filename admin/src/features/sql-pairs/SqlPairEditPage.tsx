import { useNavigate, useParams } from 'react-router';
import { PageHeader } from '../../components/Layout';
import { QueryState } from '../../components/states';
import { useT } from '../../lib/i18n';
import { useNotify } from '../../lib/notify';
import { useSqlPair } from './api';
import { SqlPairForm } from './SqlPairForm';

/** `/sql-pairs/new` and `/sql-pairs/:id`. */
export function SqlPairEditPage() {
  const t = useT();
  const notify = useNotify();
  const navigate = useNavigate();
  const { id } = useParams();
  const numericId = id === undefined || id === 'new' ? undefined : Number(id);
  const pair = useSqlPair(numericId);
  const done = () => navigate('/sql-pairs');
  const saved = () => {
    notify('success', t('SQL pair saved.'));
    done();
  };

  if (numericId === undefined) {
    return (
      <>
        <PageHeader title={t('New SQL pair')} />
        <SqlPairForm onSaved={saved} onCancel={done} />
      </>
    );
  }
  return (
    <>
      <PageHeader title={t('Edit SQL pair')} />
      <QueryState query={pair}>
        {(data) => <SqlPairForm key={data.id} pair={data} onSaved={saved} onCancel={done} />}
      </QueryState>
    </>
  );
}
