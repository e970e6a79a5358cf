import {
  type DictionaryEntry,
  type DictionaryEntryInput,
  dictionaryEntryInputSchema,
} from '@quarry/shared';
import { type Validation, validate } from '../../lib/forms';

export type EntryValues = DictionaryEntryInput;

export function entryValues(entry?: DictionaryEntry): EntryValues {
  return { abbreviation: entry?.abbreviation ?? '', full_name: entry?.full_name ?? '' };
}

export function validateEntry(values: EntryValues): Validation<DictionaryEntryInput> {
  return validate(dictionaryEntryInputSchema, values);
}
