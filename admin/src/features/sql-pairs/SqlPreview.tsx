import { RunPreview } from '../../components/RunPreview';
import { usePreviewSql } from '../datasources/api';

/**
 * Runs the SQL being edited against its data source (read-only, first rows only), so an admin
 * sees it works before saving it as an example.
 */
export function SqlPreview({ sql, datasource }: { sql: string; datasource: string }) {
  const preview = usePreviewSql();
  return (
    <RunPreview
      preview={preview}
      run={() => preview.mutate({ datasource, sql })}
      ready={Boolean(sql.trim() && datasource)}
    />
  );
}
