import type { Intent } from '@quarry/shared';
import { z } from 'zod';
import { isoDate, parseJsonObject } from '../modelText.js';
import { intentPrompt } from '../prompts/intent.js';
import type { PipelineDeps, SqlSample } from '../types.js';

/** Earlier turns of a thread given to the model for rephrasing. */
const HISTORY_TURNS = 5;

const intentAnswer = z.object({
  rephrased_question: z.string().trim().min(1),
  intent: z.enum(['TEXT_TO_SQL', 'GENERAL', 'USER_GUIDE', 'MISLEADING_QUERY']),
});

/**
 * One model call: a follow-up becomes a standalone question (from the thread's earlier turns)
 * and gets an intent. An answer the model garbles falls back to the question as asked, to be
 * answered with SQL: a wrong refusal costs the user more than an attempt.
 */
export async function classifyIntent(
  deps: PipelineDeps,
  input: {
    question: string;
    threadId?: string | undefined;
    askId: string;
    tableNames: readonly string[];
    samples: readonly SqlSample[];
    instructions: readonly string[];
    signal: AbortSignal;
  },
): Promise<{ rephrasedQuestion: string; intent: Intent }> {
  const history = input.threadId
    ? await deps.knowledge.threadTurns(input.threadId, HISTORY_TURNS, input.askId)
    : [];
  const raw = await deps.llm.complete({
    messages: intentPrompt({
      question: input.question,
      history,
      tableNames: input.tableNames,
      samples: input.samples,
      instructions: input.instructions,
      today: isoDate(deps.now()),
    }),
    json: true,
    signal: input.signal,
  });
  const parsed = intentAnswer.safeParse(parseJsonObject(raw));
  if (!parsed.success) {
    deps.logger.warn({ raw }, 'intent classification: unreadable answer, treating as TEXT_TO_SQL');
    return { rephrasedQuestion: input.question, intent: 'TEXT_TO_SQL' };
  }
  return { rephrasedQuestion: parsed.data.rephrased_question, intent: parsed.data.intent };
}
