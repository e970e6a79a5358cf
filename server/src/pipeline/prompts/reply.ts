import type { Intent } from '@quarry/shared';
import type { ChatMessage } from '../../ports.js';
import { LANGUAGE_RULE } from './language.js';

const GUIDANCE: Record<Exclude<Intent, 'TEXT_TO_SQL'>, string> = {
  GENERAL:
    'Answer briefly and helpfully. If they ask what data exists, describe the tables in plain words and suggest two or three example questions.',
  USER_GUIDE:
    'Explain how to use Quarry: ask a data question in plain words (mention the bot in Slack, or message it directly); ask follow-ups in the same thread ("and last month?"); department and project abbreviations are understood; rate answers with 👍/👎 so admins can improve it.',
  MISLEADING_QUERY:
    'Politely say this is not something Quarry can answer from the company data (Quarry only reads data; it never changes it), and suggest two or three questions it can answer with these tables.',
};

/** The streamed reply to a question that needs no SQL. */
export function replyPrompt(input: {
  question: string;
  intent: Exclude<Intent, 'TEXT_TO_SQL'>;
  tableNames: readonly string[];
}): ChatMessage[] {
  return [
    {
      role: 'system',
      content: [
        '### TASK: ASSISTANT REPLY',
        "You are Quarry, an assistant that answers questions about a company's data.",
        GUIDANCE[input.intent],
        'Keep it under 120 words. No SQL.',
        LANGUAGE_RULE,
        '',
        '### TABLES',
        input.tableNames.join(', ') || '(none)',
      ].join('\n'),
    },
    { role: 'user', content: input.question },
  ];
}
