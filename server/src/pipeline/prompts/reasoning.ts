import type { ChatMessage } from '../../ports.js';
import { LANGUAGE_RULE } from './language.js';

/** A short plan the user sees while the SQL is being prepared. */
export function reasoningPrompt(input: {
  question: string;
  ddl: string;
  instructions: readonly string[];
  today: string;
}): ChatMessage[] {
  const system = [
    '### TASK: SQL REASONING',
    'Plan how to answer the question with SQL over the schema below, as at most five short numbered steps: which tables and joins, which filters (with exact values), which grouping, ordering and columns to show.',
    'No SQL code. Mention department or project codes exactly as the user wrote them.',
    `Today is ${input.today}.`,
    LANGUAGE_RULE,
  ];
  if (input.instructions.length)
    system.push('', '### USER INSTRUCTIONS', ...input.instructions.map((t) => `- ${t}`));
  system.push('', '### DATABASE SCHEMA', input.ddl);
  return [
    { role: 'system', content: system.join('\n') },
    { role: 'user', content: input.question },
  ];
}
