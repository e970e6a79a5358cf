import type { ChatMessage } from '../../ports.js';
import { dialectName, type FailedSql } from '../modelText.js';

export interface CorrectionPromptInput extends FailedSql {
  diagnosis?: string;
  today: string;
}

/** Asks the model to repair SQL that failed its dry run or execution. */
export function correctionPrompt(input: CorrectionPromptInput): ChatMessage[] {
  const system = [
    '### TASK: SQL CORRECTION',
    `You fix ${dialectName(input.dialect)} SQL that failed. Keep the intent of the original query; change only what the error requires.`,
    'Answer with exactly one corrected read-only query (SELECT, or WITH ... SELECT) in a ```sql code block.',
    'Use only the tables and columns in the schema. Keep department and project codes in string literals as they are.',
    `Today is ${input.today}.`,
    '',
    '### DATABASE SCHEMA',
    input.ddl,
  ];
  const user = [
    `Question: ${input.question}`,
    '',
    'Failed SQL:',
    '```sql',
    input.sql,
    '```',
    '',
    `Error: ${input.error}`,
  ];
  if (input.diagnosis) user.push('', `Diagnosis: ${input.diagnosis}`);
  return [
    { role: 'system', content: system.join('\n') },
    { role: 'user', content: user.join('\n') },
  ];
}
