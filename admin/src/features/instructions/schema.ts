import {
  type Instruction,
  type InstructionInput,
  type InstructionScope,
  instructionInputSchema,
} from '@quarry/shared';
import { type Validation, validate } from '../../lib/forms';

/** The form keeps example questions as lines of one text box; the API wants a list. */
export interface InstructionValues {
  text: string;
  scope: InstructionScope;
  questions: string;
}

export function instructionValues(instruction?: Instruction): InstructionValues {
  return {
    text: instruction?.text ?? '',
    scope: instruction?.scope ?? 'global',
    questions: instruction?.questions.join('\n') ?? '',
  };
}

export function validateInstruction(values: InstructionValues): Validation<InstructionInput> {
  const questions =
    values.scope === 'matched'
      ? values.questions
          .split('\n')
          .map((line) => line.trim())
          .filter(Boolean)
      : [];
  return validate(instructionInputSchema, { text: values.text, scope: values.scope, questions });
}
