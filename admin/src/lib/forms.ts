import {
  describeReason,
  describeReasonApart,
  reasonOfIssue,
  type ValidationIssue,
} from '@quarry/shared';
import { type FormEvent, useState } from 'react';
import { ApiError, errorMessage, localMessage, messageLocale } from './api';

/**
 * Message per field name; `_form` holds a message that belongs to no single field, and
 * `<field>:detail` what the database said about that field, in its own words.
 */
export type FieldErrors = Record<string, string>;

/** The part of a zod schema the console uses, so the console needs no zod import of its own. */
export interface BodySchema<T> {
  safeParse(
    value: unknown,
  ): { success: true; data: T } | { success: false; error: { issues: readonly ValidationIssue[] } };
}

export type Validation<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

/**
 * Runs the same zod schema the server runs on the body, so an admin sees the server's wording
 * before sending anything. The first message per field wins.
 */
export function validate<T>(schema: BodySchema<T>, values: unknown): Validation<T> {
  const result = schema.safeParse(values);
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = issue.path.length > 0 ? String(issue.path[0]) : '_form';
    const locale = messageLocale();
    errors[field] ??=
      locale === 'en' ? issue.message : describeReason(reasonOfIssue(issue), locale);
  }
  return { ok: false, errors };
}

/**
 * Field messages of a failed save next to the form's own fields; a message about a field the
 * form does not show, or none at all, goes under `_form` so it is never lost.
 */
export function serverFieldErrors(error: unknown, formFields: readonly string[]): FieldErrors {
  const message = errorMessage(error);
  if (!(error instanceof ApiError) || Object.keys(error.fields).length === 0)
    return { _form: message };
  const errors: FieldErrors = {};
  const elsewhere: string[] = [];
  for (const [path, english] of Object.entries(error.fields)) {
    const reason = error.fieldReasons[path];
    const fieldMessage = localMessage(english, reason, error.code);
    // The server names nested fields by path (`questions.2`); the form shows the list as one.
    const field = path.split('.')[0] ?? path;
    if (formFields.includes(field)) {
      errors[field] ??= fieldMessage;
      const detail = reason ? describeReasonApart(reason, 'en').detail : undefined;
      if (detail !== undefined) errors[`${field}:detail`] ??= detail;
    } else elsewhere.push(fieldMessage);
  }
  if (elsewhere.length > 0) errors._form = elsewhere.join(' ');
  return errors;
}

/** What a record's save mutation looks like: a new record without an id, an edit with one. */
export interface SaveMutation<Input, Saved> {
  mutate(
    variables: { id?: number | undefined; input: Input },
    options: { onSuccess: (saved: Saved) => void; onError: (error: Error) => void },
  ): void;
  isPending: boolean;
}

/** A record form's state and submit, as `useRecordForm` hands them to the form's markup. */
export interface RecordForm<Values> {
  values: Values;
  errors: FieldErrors;
  setErrors(errors: FieldErrors): void;
  /** The save is in flight. */
  saving: boolean;
  /** Sets a field and drops its message: the admin is fixing it. */
  change<K extends keyof Values>(field: K, value: Values[K]): void;
  /** Value, message and setter of one field, to spread on a `TextField`. */
  field<K extends keyof Values>(
    field: K,
  ): {
    value: Values[K];
    error: string | undefined;
    /** What the database said about the error, in its own words. */
    detail: string | undefined;
    onChange: (value: Values[K]) => void;
  };
  submit(event: FormEvent): void;
}

/**
 * The one way a record form saves: the server's own schema checks the values first, nothing
 * is sent while a field is wrong, and a refusal lands next to the field it names (or above the
 * buttons). `beforeSave` may veto the save after validation (a data source's connection test).
 */
export function useRecordForm<Values extends object, Input, Saved>(options: {
  initial: () => Values;
  validate: (values: Values) => Validation<Input>;
  save: SaveMutation<Input, Saved>;
  /** The record being edited; undefined creates one. */
  id: number | undefined;
  onSaved: (saved: Saved) => void;
  /** Told of every change, for state that hangs on a field. */
  onChange?: (field: keyof Values) => void;
  /** True (or a promise of it) lets the save go; a plain true sends it in this same event. */
  beforeSave?: () => boolean | Promise<boolean>;
}): RecordForm<Values> {
  const [values, setValues] = useState(options.initial);
  const [errors, setErrors] = useState<FieldErrors>({});

  const change = <K extends keyof Values>(field: K, value: Values[K]) => {
    setValues((current) => ({ ...current, [field]: value }));
    setErrors(({ [field as string]: _fixed, [`${String(field)}:detail`]: _said, ...rest }) => rest);
    options.onChange?.(field);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = options.validate(values);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    const send = () =>
      options.save.mutate(
        { id: options.id, input: checked.data },
        {
          onSuccess: (saved) => options.onSaved(saved),
          onError: (error) => setErrors(serverFieldErrors(error, Object.keys(values))),
        },
      );
    // Without a check to wait for, the request leaves in this same event, as it always has.
    const go = options.beforeSave?.() ?? true;
    if (go === true) send();
    else if (go !== false)
      void go.then((passed) => {
        if (passed) send();
      });
  };

  return {
    values,
    errors,
    setErrors,
    saving: options.save.isPending,
    change,
    field: (field) => ({
      value: values[field],
      error: errors[field as string],
      detail: errors[`${String(field)}:detail`],
      onChange: (value) => change(field, value),
    }),
    submit,
  };
}
