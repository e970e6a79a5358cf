import { type ReactElement, type ReactNode, useId } from 'react';

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
  children,
}: {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
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
    </div>
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
