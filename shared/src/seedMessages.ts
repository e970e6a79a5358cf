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
