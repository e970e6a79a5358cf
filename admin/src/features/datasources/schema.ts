import {
  type DataSourceInput,
  type DataSourceUpdate,
  type DataSourceView,
  dataSourceInputSchema,
  dataSourceUpdateSchema,
} from '@quarry/shared';
import { type Validation, validate } from '../../lib/forms';

export interface DataSourceValues {
  name: string;
  url: string;
  description: string;
}

/**
 * Editing starts from the URL as the API shows it, password masked as `***`; the server puts
 * the stored password back wherever `***` is still there.
 */
export function dataSourceValues(source?: DataSourceView): DataSourceValues {
  return {
    name: source?.name ?? '',
    url: source?.url ?? '',
    description: source?.description ?? '',
  };
}

export function validateDataSource(
  values: DataSourceValues,
  editing: boolean,
): Validation<DataSourceInput | DataSourceUpdate> {
  // A data source cannot be renamed (SQL pairs and asks refer to it by name).
  if (editing) {
    return validate(dataSourceUpdateSchema, { url: values.url, description: values.description });
  }
  return validate(dataSourceInputSchema, values);
}
