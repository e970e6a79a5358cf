import type { Instruction } from '@quarry/shared';
import { type FormEvent, useId, useState } from 'react';
import { Field, FormError } from '../../components/Field';
import { type FieldErrors, serverFieldErrors } from '../../lib/forms';
import { useT } from '../../lib/i18n';
import { useSaveInstruction } from './api';
import { type InstructionValues, instructionValues, validateInstruction } from './schema';

/**
 * An instruction for the model: global ones apply to every question, matched ones only to
 * questions like the examples given.
 */
export function InstructionForm({
  instruction,
  onSaved,
  onCancel,
}: {
  instruction?: Instruction;
  onSaved: (instruction: Instruction) => void;
  onCancel: () => void;
}) {
  const t = useT();
  const scopeId = useId();
  const save = useSaveInstruction();
  const [values, setValues] = useState(() => instructionValues(instruction));
  const [errors, setErrors] = useState<FieldErrors>({});

  const change = <K extends keyof InstructionValues>(field: K, value: InstructionValues[K]) => {
    setValues((current) => ({ ...current, [field]: value }));
    setErrors(({ [field]: _fixed, ...rest }) => rest);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = validateInstruction(values);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    save.mutate(
      { id: instruction?.id, input: checked.data },
      {
        onSuccess: (saved) => onSaved(saved),
        onError: (error) => setErrors(serverFieldErrors(error, ['text', 'scope', 'questions'])),
      },
    );
  };

  return (
    <form className="form" onSubmit={submit} noValidate>
      <Field
        label={t('Instruction')}
        hint={t('For example: “Revenue means amount minus refunds.”')}
        error={errors.text}
      >
        {(control) => (
          <textarea
            {...control}
            className="input"
            rows={4}
            value={values.text}
            onChange={(event) => change('text', event.target.value)}
          />
        )}
      </Field>
      <fieldset className="field" aria-describedby={errors.scope ? `${scopeId}-error` : undefined}>
        <legend className="field-label">{t('Applies to')}</legend>
        <div className="radio-row">
          <label className="radio">
            <input
              type="radio"
              name="scope"
              value="global"
              checked={values.scope === 'global'}
              onChange={() => change('scope', 'global')}
            />
            {t('Every question')}
          </label>
          <label className="radio">
            <input
              type="radio"
              name="scope"
              value="matched"
              checked={values.scope === 'matched'}
              onChange={() => change('scope', 'matched')}
            />
            {t('Questions like these examples')}
          </label>
        </div>
        {errors.scope ? (
          <p className="field-error" id={`${scopeId}-error`}>
            {errors.scope}
          </p>
        ) : null}
      </fieldset>
      {values.scope === 'matched' ? (
        <Field
          label={t('Example questions')}
          hint={t('One per line, at most 20.')}
          error={errors.questions}
        >
          {(control) => (
            <textarea
              {...control}
              className="input"
              rows={4}
              value={values.questions}
              onChange={(event) => change('questions', event.target.value)}
            />
          )}
        </Field>
      ) : null}
      <FormError message={errors._form} />
      <div className="form-actions">
        <button type="button" className="button" onClick={onCancel}>
          {t('Cancel')}
        </button>
        <button type="submit" className="button button-primary" disabled={save.isPending}>
          {save.isPending ? t('Saving…') : t('Save')}
        </button>
      </div>
    </form>
  );
}
