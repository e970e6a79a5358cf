/** The playground's answer, chart and result tools in Chinese, keyed by their English text. */
export const answerZh: Record<string, string> = {
  'The first {shown} rows; there may be more.': '前 {shown} 行；实际可能更多。',
  'Try one of these': '试试这些问题',
  'Writing the answer…': '正在写回答…',
  'Left out a sentence citing numbers not in the rows: {numbers}':
    '已略去引用了结果中没有的数字的句子：{numbers}',
  'Ask next': '接下来可以问',
  'Thanks, feedback saved.': '谢谢，反馈已保存。',
  'The feedback was not saved.': '反馈没有保存成功。',
  'Show the result as': '结果显示为',
  Chart: '图表',
  Table: '表格',
  'Copy SQL': '复制 SQL',
  'Download CSV': '下载 CSV',
  'SQL copied.': 'SQL 已复制。',
  'Could not copy the SQL.': '无法复制 SQL。',
  'Chart of the result': '结果图表',
  'The chart could not be drawn: {error}': '图表无法绘制：{error}',
};
