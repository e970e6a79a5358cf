import type { AskEvent, AskStep } from './events.js';
import type { AskStatus } from './status.js';

/**
 * The text-mode messages of the seed's WebSocket interface, byte for byte
 * (note the full-width comma in `succeeded`). Text-mode clients match on these strings.
 */
export const seedMessages = {
  received: '正在处理查询请求...',
  generating: '正在调用text2sql模型生成SQL语句...',
  generationDone: 'DONE',
  finalSql: (sql: string) => `最终SQL语句: ${sql}`,
  executing: '正在执行SQL查询...',
  succeeded: (rowCount: number) => `SQL查询成功，结果行数: ${rowCount}`,
  failed: (error: string) => `SQL查询失败: ${error}`,
  rewriting: '正在尝试重写SQL语句...',
  rewriteRaw: (raw: string) => `模型重写的SQL内容: ${raw}`,
  rewriteSql: (sql: string) => `重写后的SQL语句: ${sql}`,
  executingRewrite: '正在执行重写后的SQL查询...',
  rewriteSucceeded: '重写后的SQL查询成功',
  rewriteFailed: (error: string) => `重写后的SQL查询仍然失败: ${error}`,
  generationFailed: 'SQL语句生成失败',
  exception: (message: string) => `查询处理过程中发生异常: ${message}`,
} as const;

/**
 * The language a question is asked in: Chinese when it holds Han characters (and no Japanese
 * kana), English otherwise. Events-mode messages and people-facing errors follow it.
 */
export function questionLanguage(text: string): 'zh' | 'en' {
  if (/[\p{Script=Hiragana}\p{Script=Katakana}]/u.test(text)) return 'en';
  return /\p{Script=Han}/u.test(text) ? 'zh' : 'en';
}

/** The steps an ask reports while it runs (`done` is the terminal status, worded per outcome). */
export type ProgressStep = Exclude<AskStep, 'done'>;

/** The rung of the status ladder each step reports. */
export const STEP_STATUS: Record<ProgressStep, AskStatus> = {
  received: 'understanding',
  historical_match: 'understanding',
  retrieving_knowledge: 'searching',
  classifying_intent: 'understanding',
  retrieving_schema: 'searching',
  pruning_columns: 'searching',
  reasoning: 'planning',
  generating: 'generating',
  executing: 'executing',
  diagnosing: 'correcting',
  rewriting: 'correcting',
  executing_rewrite: 'executing',
  restarted: 'understanding',
};

/**
 * Events-mode step messages in the question's language: the one catalogue of them. The
 * Chinese ones of the seed's steps are the seed's own text; text mode sends the seed's frames
 * whatever the language.
 */
export const stageMessages: Record<'zh' | 'en', Record<ProgressStep, string>> = {
  zh: {
    received: seedMessages.received,
    historical_match: '找到已验证过的相同问题，直接使用其SQL',
    retrieving_knowledge: '正在检索SQL示例和业务指令...',
    classifying_intent: '正在理解问题...',
    retrieving_schema: '正在检索相关数据表...',
    pruning_columns: '正在精简数据表字段...',
    reasoning: '正在规划查询思路...',
    generating: seedMessages.generating,
    executing: seedMessages.executing,
    rewriting: seedMessages.rewriting,
    diagnosing: '正在诊断SQL错误...',
    executing_rewrite: seedMessages.executingRewrite,
    restarted: '处理该问题的工作进程已停止，另一个工作进程正在从头重新回答...',
  },
  en: {
    received: 'Processing the question...',
    historical_match: 'Found the same question verified before; using its SQL',
    retrieving_knowledge: 'Looking up SQL examples and instructions...',
    classifying_intent: 'Understanding the question...',
    retrieving_schema: 'Finding the relevant tables...',
    pruning_columns: 'Narrowing the tables down to the columns needed...',
    reasoning: 'Planning the query...',
    generating: 'Asking the model to write the SQL...',
    executing: 'Running the SQL query...',
    rewriting: 'Trying to rewrite the SQL...',
    diagnosing: 'Diagnosing the SQL error...',
    executing_rewrite: 'Running the rewritten SQL query...',
    restarted:
      'The worker answering this question stopped; another worker is answering it again from the start...',
  },
};

/** The `status` event of a step, on its rung, worded in the question's language. */
export function stepEvent(
  step: ProgressStep,
  language: 'zh' | 'en',
): Extract<AskEvent, { type: 'status' }> {
  return {
    type: 'status',
    status: STEP_STATUS[step],
    step,
    message: stageMessages[language][step],
  };
}
