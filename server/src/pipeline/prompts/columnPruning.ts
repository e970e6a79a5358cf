import type { ChatMessage } from '../../ports.js';

/** Asks the model which columns a question needs, when the whole schema is too big to send. */
export function columnPruningPrompt(input: { question: string; ddl: string }): ChatMessage[] {
  return [
    {
      role: 'system',
      content: [
        '### TASK: COLUMN SELECTION',
        'Select the tables and columns needed to write SQL that answers the question: columns to show, filter, group, order and join on. When unsure, keep the column.',
        'Answer with one JSON object: {"tables": {"<table>": ["<column>", ...], ...}} using names exactly as in the schema.',
        '',
        '### DATABASE SCHEMA',
        input.ddl,
      ].join('\n'),
    },
    { role: 'user', content: input.question },
  ];
}
