import { randomUUID } from 'node:crypto';
import type { Intent } from '@quarry/shared';
import { classifyIntent } from './stages/intent.js';
import { retrieveKnowledge } from './stages/knowledgeRetrieval.js';
import type { PipelineDeps } from './types.js';

/**
 * What the intent stage makes of a message, without answering it: how the Slack bot decides
 * whether a colleague's reply in a thread it answers is a data question for it. The same
 * knowledge, tables and thread history as an ask, one model call, nothing recorded.
 */
export async function classifyQuestion(
  deps: PipelineDeps,
  input: {
    question: string;
    datasource: string;
    threadId?: string | undefined;
    signal: AbortSignal;
  },
): Promise<{ intent: Intent; rephrasedQuestion: string }> {
  const dataSource = await deps.dataSource(input.datasource);
  const knowledge = await retrieveKnowledge(deps, {
    question: input.question,
    datasource: input.datasource,
    dialect: dataSource.dialect,
    signal: input.signal,
  });
  const tableNames = (await deps.schema(input.datasource)).map((table) => table.name);
  const understood = await classifyIntent(deps, {
    ...knowledge,
    question: input.question,
    threadId: input.threadId,
    // Not an ask: no turn of the thread is this message's own.
    askId: randomUUID(),
    tableNames,
    signal: input.signal,
  });
  return { intent: understood.intent, rephrasedQuestion: understood.rephrasedQuestion };
}
