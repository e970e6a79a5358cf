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

/**
 * Events-mode stage messages in the question's language. The Chinese ones of the seed's steps
 * are the seed's own text; text mode sends the seed's frames whatever the language.
 */
export const stageMessages: Record<'zh' | 'en', Record<string, string>> = {
  zh: {
    received: seedMessages.received,
    historical_match: '找到已验证过的相同问题，直接使用其SQL',
    retrieving_knowledge: '正在检索SQL示例和业务指令...',
    classifying_intent: '正在理解问题...',
    retrieving_schema: '正在检索相关数据表...',
    reasoning: '正在规划查询思路...',
    generating: seedMessages.generating,
    executing: seedMessages.executing,
    rewriting: seedMessages.rewriting,
    diagnosing: '正在诊断SQL错误...',
    executing_rewrite: seedMessages.executingRewrite,
  },
  en: {
    received: 'Processing the question...',
    historical_match: 'Found the same question verified before; using its SQL',
    retrieving_knowledge: 'Looking up SQL examples and instructions...',
    classifying_intent: 'Understanding the question...',
    retrieving_schema: 'Finding the relevant tables...',
    reasoning: 'Planning the query...',
    generating: 'Asking the model to write the SQL...',
    executing: 'Running the SQL query...',
    rewriting: 'Trying to rewrite the SQL...',
    diagnosing: 'Diagnosing the SQL error...',
    executing_rewrite: 'Running the rewritten SQL query...',
  },
};
