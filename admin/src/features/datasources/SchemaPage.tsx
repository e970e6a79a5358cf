import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { PageHeader } from '../../components/Layout';
import { SearchBox } from '../../components/ListControls';
import { Empty, QueryState } from '../../components/states';
import { TableHead } from '../../components/TableHead';
import { useT } from '../../lib/i18n';
import { type SchemaTable, useSchema } from './api';
import { DescriptionEditor } from './DescriptionEditor';
import { HiddenToggle } from './HiddenToggle';

/**
 * `/datasources/:name`: the tables and columns of one data source, with their descriptions and
 * which of them are hidden from the assistant.
 */
export function SchemaPage() {
  const t = useT();
  const { name = '' } = useParams();
  const schema = useSchema(name);
  const [filter, setFilter] = useState('');
  const needle = filter.trim().toLowerCase();
  const matches = (table: SchemaTable) =>
    !needle ||
    table.name.toLowerCase().includes(needle) ||
    table.columns.some((column) => column.name.toLowerCase().includes(needle));

  return (
    <>
      <PageHeader
        title={t('Tables of {name}', { name })}
        description={t(
          'Descriptions feed schema retrieval: say what a table or column holds in the words people ask with.',
        )}
        actions={
          <>
            <Link className="button" to={`/datasources/${encodeURIComponent(name)}/semantics`}>
              {t('Semantic layer')}
            </Link>
            <Link className="button" to="/datasources">
              {t('All data sources')}
            </Link>
          </>
        }
      />
      <div className="toolbar">
        <SearchBox label={t('Filter tables and columns')} value={filter} onChange={setFilter} />
      </div>
      <p className="muted small">
        {t(
          'Hidden tables and columns are left out of the schema the assistant sees, and SQL that reads them is refused.',
        )}
      </p>
      <QueryState query={schema}>
        {({ tables }) => {
          const shown = tables.filter(matches);
          if (tables.length === 0) return <Empty title={t('This data source has no tables.')} />;
          if (shown.length === 0)
            return <Empty title={t('No table or column matches “{q}”.', { q: filter })} />;
          return (
            <div className="schema">
              {shown.map((table) => (
                <details
                  key={table.name}
                  className={table.hidden ? 'card schema-table schema-hidden' : 'card schema-table'}
                  open={shown.length <= 3 || undefined}
                >
                  <summary>
                    <code className="table-name">{table.name}</code>
                    <span className="muted small">
                      {t('{n} columns', { n: table.columns.length })}
                    </span>
                    <HiddenBadge table={table} />
                    {table.description ? (
                      <span className="summary-description">{table.description}</span>
                    ) : null}
                  </summary>
                  {table.comment ? <p className="muted">{table.comment}</p> : null}
                  <HiddenToggle
                    datasource={name}
                    table={table.name}
                    hidden={table.hidden ?? false}
                    subject={table.name}
                    showLabel
                  />
                  <DescriptionEditor
                    datasource={name}
                    table={table.name}
                    value={table.description ?? ''}
                    subject={table.name}
                  />
                  <table className="table table-compact table-responsive">
                    <TableHead
                      columns={[
                        t('Column'),
                        t('Type'),
                        t('Description'),
                        t('Hidden from the assistant'),
                      ]}
                    />
                    <tbody>
                      {table.columns.map((column) => (
                        <tr key={column.name}>
                          <td data-label={t('Column')}>
                            <code>{column.name}</code>
                            {column.primaryKey ? (
                              <span className="badge badge-muted">PK</span>
                            ) : null}
                            {column.hidden ? (
                              <span className="badge badge-hidden">{t('Hidden')}</span>
                            ) : null}
                          </td>
                          <td data-label={t('Type')} className="mono small">
                            {column.type}
                            {column.nullable === false ? ' NOT NULL' : ''}
                          </td>
                          <td data-label={t('Description')}>
                            {column.comment ? (
                              <p className="muted small">{column.comment}</p>
                            ) : null}
                            <DescriptionEditor
                              datasource={name}
                              table={table.name}
                              column={column.name}
                              value={column.description ?? ''}
                              subject={`${table.name}.${column.name}`}
                            />
                          </td>
                          <td data-label={t('Hidden from the assistant')}>
                            <HiddenToggle
                              datasource={name}
                              table={table.name}
                              column={column.name}
                              hidden={column.hidden ?? false}
                              subject={`${table.name}.${column.name}`}
                            />
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </details>
              ))}
            </div>
          );
        }}
      </QueryState>
    </>
  );
}

/** What a collapsed table shows of its access rules: hidden whole, or how many columns are. */
function HiddenBadge({ table }: { table: SchemaTable }) {
  const t = useT();
  if (table.hidden) {
    return <span className="badge badge-hidden">{t('Hidden from the assistant')}</span>;
  }
  const columns = table.columns.filter((column) => column.hidden).length;
  if (columns === 0) return null;
  return (
    <span className="badge badge-hidden">
      {columns === 1 ? t('1 column hidden') : t('{n} columns hidden', { n: columns })}
    </span>
  );
}
