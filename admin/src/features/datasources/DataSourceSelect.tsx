import type { ControlProps } from '../../components/Field';
import { useT } from '../../lib/i18n';
import { useDataSources } from './api';

/** Picks a data source by name; while the list loads, the current name stays selectable. */
export function DataSourceSelect({
  value,
  onChange,
  control,
  allowEmpty = false,
}: {
  value: string;
  onChange: (name: string) => void;
  control?: ControlProps;
  allowEmpty?: boolean;
}) {
  const t = useT();
  const sources = useDataSources();
  const names = sources.data?.map((source) => source.name) ?? [];
  if (value && !names.includes(value)) names.unshift(value);
  return (
    <select
      {...control}
      className="input"
      value={value}
      onChange={(event) => onChange(event.target.value)}
      aria-busy={sources.isPending}
    >
      {allowEmpty ? <option value="">{t('Default data source')}</option> : null}
      {names.map((name) => (
        <option key={name} value={name}>
          {name}
        </option>
      ))}
    </select>
  );
}
