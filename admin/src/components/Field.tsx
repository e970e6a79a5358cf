import { type ReactElement, type ReactNode, useId } from 'react';
import { errorMessage } from '../lib/api';
import type { RecordForm } from '../lib/forms';
import { useT } from '../lib/i18n';

/** What to spread on the control so its label, hint and error belong to it. */
export interface ControlProps {
  id: string;
  'aria-invalid': boolean;
  'aria-describedby': string | undefined;
}

/**
 * A labelled control with its hint and error wired up for screen readers. `children` gets the
 * props to spread on the control, and the label's id for controls a <label> cannot name.
 */
export function Field({
  label,
  hint,
  error,
  detail,
  children,
}: {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  /** What the database said about the error, in its own words (shown apart, folded). */
  detail?: string | undefined;
  children: (control: ControlProps, labelId: string) => ReactElement;
}) {
  const id = useId();
  const labelId = `${id}-label`;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ');
  return (
    <div className={error ? 'field field-invalid' : 'field'}>
      <label className="field-label" id={labelId} htmlFor={id}>
        {label}
      </label>
      {children(
        { id, 'aria-invalid': Boolean(error), 'aria-describedby': describedBy || undefined },
        labelId,
      )}
      {hint ? (
        <p className="field-hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      ) : null}
      {error ? <ErrorDetail detail={detail} /> : null}
    </div>
  );
}

/**
 * What a database or driver said, word for word, folded under Quarry's own message: it is in
 * whatever language the database speaks, so it is never the message itself.
 */
export function ErrorDetail({ detail }: { detail?: string | undefined }) {
  const t = useT();
  if (!detail) return null;
  return (
    <details className="error-detail">
      <summary>{t('What the database said')}</summary>
      <code>{detail}</code>
    </details>
  );
}

/** A message for the whole form (server refusals that name no field). */
export function FormError({ message }: { message?: string | undefined }) {
  if (!message) return null;
  return (
    <p className="form-error" role="alert">
      {message}
    </p>
  );
}

/**
 * Why a request that has no record form failed (a preview, an import, a toggle), where the
 * admin made it; `inField` sizes it as a field's message.
 */
export function RequestError({
  request,
  inField = false,
}: {
  request: { isError: boolean; error: unknown };
  inField?: boolean;
}) {
  if (!request.isError) return null;
  return (
    <p className={inField ? 'field-error' : 'form-error'} role="alert">
      {errorMessage(request.error)}
    </p>
  );
}

/**
 * A labelled text input bound to one form field (`{...form.field('name')}`), or, given `rows`,
 * a textarea of that many rows.
 */
export function TextField({
  label,
  hint,
  error,
  detail,
  value,
  onChange,
  rows,
  mono = false,
  ...attributes
}: {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  /** What the database said about the error, in its own words. */
  detail?: string | undefined;
  value: string;
  onChange: (value: string) => void;
  rows?: number;
  /** SQL, identifiers and URLs: set in the monospace font. */
  mono?: boolean;
  placeholder?: string;
  readOnly?: boolean;
  autoComplete?: string;
  spellCheck?: boolean;
}) {
  const className = mono ? 'input mono' : 'input';
  return (
    <Field label={label} hint={hint} error={error} detail={detail}>
      {(control) =>
        rows === undefined ? (
          <input
            {...control}
            {...attributes}
            className={className}
            value={value}
            onChange={(event) => onChange(event.target.value)}
          />
        ) : (
          <textarea
            {...control}
            {...attributes}
            className={className}
            rows={rows}
            value={value}
            onChange={(event) => onChange(event.target.value)}
          />
        )
      }
    </Field>
  );
}

/** A form's Cancel and submit buttons; the submit button says so while the save is in flight. */
export function FormActions({
  onCancel,
  saving,
  busy = saving,
  submitLabel,
}: {
  onCancel: () => void;
  saving: boolean;
  /** Something else the save waits for (a connection test) also holds the button. */
  busy?: boolean;
  /** The button's label when idle; "Save" unless the save does more. */
  submitLabel?: string;
}) {
  const t = useT();
  return (
    <div className="form-actions">
      <button type="button" className="button" onClick={onCancel}>
        {t('Cancel')}
      </button>
      <button type="submit" className="button button-primary" disabled={busy}>
        {saving ? t('Saving…') : (submitLabel ?? t('Save'))}
      </button>
    </div>
  );
}

/**
 * A record form (`useRecordForm`) around its fields, then the refusal that names no field, then
 * Cancel and the submit button. `noValidate`: the server's own schema speaks first, in the
 * console's words, not the browser's.
 */
export function RecordFormFrame({
  form,
  onCancel,
  busy,
  submitLabel,
  children,
}: {
  form: Pick<RecordForm<object>, 'errors' | 'saving' | 'submit'>;
  onCancel: () => void;
  /** Something else the save waits for (a connection test) also holds the button. */
  busy?: boolean;
  submitLabel?: string;
  children: ReactNode;
}) {
  return (
    <form className="form" onSubmit={form.submit} noValidate>
      {children}
      <FormError message={form.errors._form} />
      <FormActions
        onCancel={onCancel}
        saving={form.saving}
        busy={busy ?? form.saving}
        {...(submitLabel === undefined ? {} : { submitLabel })}
      />
    </form>
  );
}
