import {
  type DictionaryEntry,
  type DictionaryEntryInput,
  dictionaryEntryInputSchema,
} from '@quarry/shared';
import { type Validation, validate } from '../../lib/forms';

/** The form's fields; `columns` is typed as one line of `table.column` names. */
export interface EntryValues {
  abbreviation: string;
  full_name: string;
  columns: string;
}

export function entryValues(entry?: DictionaryEntry): EntryValues {
  return {
    abbreviation: entry?.abbreviation ?? '',
    full_name: entry?.full_name ?? '',
    columns: (entry?.columns ?? []).join(' '),
  };
}

export function validateEntry(values: EntryValues): Validation<DictionaryEntryInput> {
  // The server's schema splits the line on spaces, commas and semicolons, as in a CSV cell.
  return validate(dictionaryEntryInputSchema, values);
}
