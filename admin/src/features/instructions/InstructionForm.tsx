import type { Instruction, InstructionScope } from '@quarry/shared';
import { useId } from 'react';
import { RecordFormFrame, TextField } from '../../components/Field';
import { useRecordForm } from '../../lib/forms';
import { useT } from '../../lib/i18n';
import { useSaveInstruction } from './api';
import { instructionValues, validateInstruction } from './schema';

/** The scope radios in order, each with the English its label is translated from. */
const SCOPES: readonly (readonly [InstructionScope, string])[] = [
  ['global', 'Every question'],
  ['matched', 'Questions like these examples'],
];

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
  const form = useRecordForm({
    initial: () => instructionValues(instruction),
    validate: validateInstruction,
    save,
    id: instruction?.id,
    onSaved,
  });
  const { values, errors, change } = form;

  return (
    <RecordFormFrame form={form} onCancel={onCancel}>
      <TextField
        label={t('Instruction')}
        hint={t('For example: “Revenue means amount minus refunds.”')}
        rows={4}
        {...form.field('text')}
      />
      <fieldset className="field" aria-describedby={errors.scope ? `${scopeId}-error` : undefined}>
        <legend className="field-label">{t('Applies to')}</legend>
        <div className="radio-row">
          {SCOPES.map(([scope, label]) => (
            <label key={scope} className="radio">
              <input
                type="radio"
                name="scope"
                value={scope}
                checked={values.scope === scope}
                onChange={() => change('scope', scope)}
              />
              {t(label)}
            </label>
          ))}
        </div>
        {errors.scope ? (
          <p className="field-error" id={`${scopeId}-error`}>
            {errors.scope}
          </p>
        ) : null}
      </fieldset>
      {values.scope === 'matched' ? (
        <TextField
          label={t('Example questions')}
          hint={t('One per line, at most 20.')}
          rows={4}
          {...form.field('questions')}
        />
      ) : null}
    </RecordFormFrame>
  );
}
