import type { ChatMessage } from '../../ports.js';
import { dialectName, type FailedSql } from '../modelText.js';

/** Before a correction, a separate call explains what went wrong. */
export function diagnosisPrompt(input: FailedSql): ChatMessage[] {
  return [
    {
      role: 'system',
      content: [
        '### TASK: SQL DIAGNOSIS',
        `Explain in at most three sentences why this ${dialectName(input.dialect)} query failed and what must change to fix it, using the schema. No SQL code.`,
        '',
        '### DATABASE SCHEMA',
        input.ddl,
      ].join('\n'),
    },
    {
      role: 'user',
      content: `Question: ${input.question}\n\nSQL:\n${input.sql}\n\nError: ${input.error}`,
    },
  ];
}
