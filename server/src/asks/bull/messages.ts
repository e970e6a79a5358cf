import type {
  AskControlMessage,
  AskJobData,
  AskJobMessage,
  KnowledgeChangeMessage,
} from '@quarry/shared';

/*
 * Redis is shared infrastructure: anything read from it is checked for the shape this code
 * relies on before use, and anything else is dropped (the caller logs it).
 */

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parse(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** A worker's message about an ask, or undefined when `text` is not one. */
export function parseJobMessage(text: string): AskJobMessage | undefined {
  const message = parse(text);
  if (!message || typeof message.ask_id !== 'string') return undefined;
  switch (message.type) {
    case 'started':
      return typeof message.worker === 'string' ? (message as AskJobMessage) : undefined;
    case 'heartbeat':
      return message as AskJobMessage;
    case 'event':
      return isRecord(message.event) && typeof message.event.type === 'string'
        ? (message as AskJobMessage)
        : undefined;
    case 'outcome':
      return isRecord(message.outcome) && typeof message.outcome.status === 'string'
        ? (message as AskJobMessage)
        : undefined;
    default:
      return undefined;
  }
}

export function parseControlMessage(text: string): AskControlMessage | undefined {
  const message = parse(text);
  return message?.type === 'stop' && typeof message.ask_id === 'string'
    ? (message as AskControlMessage)
    : undefined;
}

/** A knowledge change notice, or undefined when `text` is not one. */
export function parseKnowledgeChange(text: string): KnowledgeChangeMessage | undefined {
  const message = parse(text);
  return message?.type === 'knowledge_changed' && typeof message.origin === 'string'
    ? (message as KnowledgeChangeMessage)
    : undefined;
}

/** A job's data, or undefined when it lacks what running the ask needs. */
export function checkJobData(data: unknown): AskJobData | undefined {
  if (!isRecord(data) || typeof data.reply_to !== 'string' || !isRecord(data.input)) {
    return undefined;
  }
  const { askId, question, datasource, source } = data.input;
  return typeof askId === 'string' &&
    typeof question === 'string' &&
    typeof datasource === 'string' &&
    typeof source === 'string'
    ? (data as unknown as AskJobData)
    : undefined;
}
