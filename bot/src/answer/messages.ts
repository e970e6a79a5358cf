import type { AskStatus, AskStep, ChartKind, ErrorCode } from '@quarry/shared';
import type { BotErrorCode } from '../errors.js';
import { type Explanation, explainIn } from './explanations.js';
import type { Language } from './language.js';

const CHART_NAMES_EN: Record<ChartKind, string> = {
  line: 'Line chart',
  bar: 'Bar chart',
  grouped_bar: 'Grouped bar chart',
  stacked_bar: 'Stacked bar chart',
  pie: 'Pie chart',
  scatter: 'Scatter plot',
};
const CHART_NAMES_ZH: Record<ChartKind, string> = {
  line: '折线图',
  bar: '条形图',
  grouped_bar: '分组条形图',
  stacked_bar: '堆叠条形图',
  pie: '饼图',
  scatter: '散点图',
};

interface Catalogue {
  received: string;
  connectRetry: (failures: number) => string;
  stage: Record<AskStatus, string>;
  rewriting: (attempt: number) => string;
  executingRewrite: string;
  attemptFailed: (attempt: number, phase: 'dry_run' | 'execution', error: string) => string;
  rewritten: (attempt: number, produced: boolean) => string;
  rewriteSucceeded: (attempt: number, rows: number) => string;
  rows: (count: number) => string;
  noRows: string;
  capped: (count: number) => string;
  partial: (shown: number, total: number) => string;
  csvAttached: string;
  csvTitle: string;
  csvFailed: string;
  failedTitle: string;
  explain: (code: ErrorCode | BotErrorCode, message: string, rewrites: number) => Explanation;
  buttonUp: string;
  buttonDown: string;
  buttonCsv: string;
  answering: string;
  askNext: string;
  askedBy: (userId: string, question: string) => string;
  chartTitle: string;
  /** An image block's alt text: which chart, of what. */
  chartAlt: (kind: ChartKind, question: string) => string;
  thanksUp: string;
  thanksDown: string;
  thanksComment: string;
  feedbackFailed: string;
  modalTitle: string;
  modalLabel: string;
  modalPlaceholder: string;
  modalSubmit: string;
  modalCancel: string;
  help: string;
  csvUnavailable: string;
  cannotPostHere: string;
  /** One short line naming the dictionary rewrites: `RD → 研发中心`. */
  rewrites: (pairs: string) => string;
}

const en: Catalogue = {
  received: 'Got it, working on it…',
  connectRetry: (failures) =>
    `Can't reach the Quarry server yet — retrying (attempt ${failures + 1})…`,
  stage: {
    understanding: 'Understanding the question…',
    searching: 'Searching for the right data…',
    planning: 'Planning the query…',
    generating: 'Writing the SQL…',
    correcting: 'Fixing the SQL…',
    executing: 'Running the query…',
    finished: 'Done',
    failed: 'Could not answer',
    stopped: 'Stopped',
  },
  rewriting: (attempt) => `Rewriting the SQL (rewrite ${attempt})…`,
  executingRewrite: 'Running the rewritten query…',
  attemptFailed: (attempt, phase, error) =>
    `${attempt === 0 ? 'The first query' : `Rewrite ${attempt}`} failed${phase === 'dry_run' ? ' the check' : ''}: ${error}`,
  rewritten: (attempt, produced) =>
    produced ? `Rewrote the SQL (rewrite ${attempt})` : `Rewrite ${attempt} produced no SQL`,
  rewriteSucceeded: (attempt, rows) => `Rewrite ${attempt} worked (${rowsEn(rows)})`,
  rows: rowsEn,
  noRows: 'No rows matched.',
  capped: (count) => `Quarry stopped at its row limit: there may be more than ${count} rows.`,
  partial: (shown, total) =>
    `Showing ${shown} of ${rowsEn(total)}; the full result is in the CSV below.`,
  csvAttached: 'The full result as CSV',
  csvTitle: 'Quarry result',
  csvFailed: 'I could not upload the CSV file to this thread.',
  failedTitle: 'Could not answer',
  explain: explainIn('en'),
  buttonUp: '👍 Helpful',
  buttonDown: '👎 Not right',
  buttonCsv: 'Download CSV',
  answering: 'Writing the answer…',
  askNext: 'Ask next:',
  askedBy: (userId, question) => `<@${userId}> asked: ${question}`,
  chartTitle: 'Quarry chart',
  chartAlt: (kind, question) => `${CHART_NAMES_EN[kind]} for: ${question}`,
  thanksUp: 'Thanks! Your 👍 is recorded.',
  thanksDown: 'Thanks, your 👎 is recorded.',
  thanksComment: 'Thanks, your comment is recorded.',
  feedbackFailed:
    'Sorry, I could not record your feedback: the Quarry server did not take it. Try again later.',
  modalTitle: 'What was wrong?',
  modalLabel: 'What was wrong with this answer?',
  modalPlaceholder: 'For example: it counted people who have left',
  modalSubmit: 'Send',
  modalCancel: 'Cancel',
  help: 'Ask me a question about the company data, for example “How many employees does each department have?”',
  csvUnavailable: 'That result is no longer available; ask the question again to get a CSV.',
  cannotPostHere:
    'I cannot post in this conversation. Invite me first (/invite @Quarry), or send me a direct message.',
  rewrites: (pairs) => `Abbreviations expanded: ${pairs}`,
};

const zh: Catalogue = {
  received: '收到，正在处理…',
  connectRetry: (failures) => `暂时连不上 Quarry 服务器，正在重试（第 ${failures + 1} 次）…`,
  stage: {
    understanding: '正在理解问题…',
    searching: '正在查找相关数据…',
    planning: '正在规划查询…',
    generating: '正在生成 SQL…',
    correcting: '正在修正 SQL…',
    executing: '正在执行查询…',
    finished: '完成',
    failed: '未能回答',
    stopped: '已停止',
  },
  rewriting: (attempt) => `正在重写 SQL（第 ${attempt} 次）…`,
  executingRewrite: '正在执行重写后的查询…',
  attemptFailed: (attempt, phase, error) =>
    `${attempt === 0 ? '第一次查询' : `第 ${attempt} 次重写`}${phase === 'dry_run' ? '未通过检查' : '执行失败'}：${error}`,
  rewritten: (attempt, produced) =>
    produced ? `已重写 SQL（第 ${attempt} 次）` : `第 ${attempt} 次重写没有产生 SQL`,
  rewriteSucceeded: (attempt, rows) => `第 ${attempt} 次重写成功（${rows} 行）`,
  rows: (count) => `${count} 行`,
  noRows: '没有符合条件的数据。',
  capped: (count) => `结果达到了 Quarry 的行数上限，实际可能多于 ${count} 行。`,
  partial: (shown, total) => `显示 ${total} 行中的前 ${shown} 行，完整结果见下方 CSV 文件。`,
  csvAttached: '完整结果（CSV）',
  csvTitle: 'Quarry 查询结果',
  csvFailed: '无法把 CSV 文件上传到这个话题。',
  failedTitle: '未能回答',
  explain: explainIn('zh'),
  buttonUp: '👍 有帮助',
  buttonDown: '👎 不对',
  buttonCsv: '下载 CSV',
  answering: '正在写回答…',
  askNext: '接下来可以问：',
  askedBy: (userId, question) => `<@${userId}> 问：${question}`,
  chartTitle: 'Quarry 图表',
  chartAlt: (kind, question) => `${CHART_NAMES_ZH[kind]}：${question}`,
  thanksUp: '谢谢！已记录你的 👍。',
  thanksDown: '谢谢，已记录你的 👎。',
  thanksComment: '谢谢，已记录你的意见。',
  feedbackFailed: '抱歉，反馈没有记录成功：Quarry 服务器没有接受。请稍后再试。',
  modalTitle: '哪里不对？',
  modalLabel: '这个回答哪里不对？',
  modalPlaceholder: '例如：把已离职的人也算进去了',
  modalSubmit: '提交',
  modalCancel: '取消',
  help: '可以问我公司数据相关的问题，例如“每个部门有多少员工？”',
  csvUnavailable: '这个结果已经不在了，请重新提问以获取 CSV。',
  cannotPostHere: '我无法在这个会话中发消息。请先邀请我（/invite @Quarry），或直接给我发私信。',
  rewrites: (pairs) => `已展开缩写：${pairs}`,
};

export function messagesFor(language: Language): Catalogue {
  return language === 'zh' ? zh : en;
}

/** The stage line while an ask runs: the step when it says more than the status. */
export function stageLine(
  language: Language,
  status: AskStatus | null,
  step: AskStep | null,
  rewrite: number,
): string {
  const m = messagesFor(language);
  // The server diagnoses, then rewrites, with no event in between: one stage to the user.
  if (step === 'rewriting' || step === 'diagnosing') return m.rewriting(Math.max(rewrite, 1));
  if (step === 'executing_rewrite') return m.executingRewrite;
  return status === null ? m.received : m.stage[status];
}

function rowsEn(count: number): string {
  return `${count} ${count === 1 ? 'row' : 'rows'}`;
}
