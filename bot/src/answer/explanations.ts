import type { ErrorCode } from '@quarry/shared';
import type { BotErrorCode } from '../errors.js';

/** What a failure means to the user, and what to try next. */
export interface Explanation {
  sentence: string;
  tip: string;
}

/* Failures as plain sentences, with what to try next, in each language the bot speaks. */

export function explainEn(
  code: ErrorCode | BotErrorCode,
  message: string,
  rewrites: number,
): Explanation {
  switch (code) {
    case 'NO_RELEVANT_DATA':
      return {
        sentence: "I couldn't find data that answers this question.",
        tip: 'Try naming the table, field or time range you mean.',
      };
    case 'SQL_GENERATION_FAILED':
      return {
        sentence: "I couldn't write a SQL query for this question.",
        tip: 'Try rephrasing it with the data you need, for example “average salary by department”.',
      };
    case 'UNSAFE_SQL':
      return {
        sentence: "The query I wrote would do more than read data, so I didn't run it.",
        tip: 'Ask for information to look up: Quarry only reads data.',
      };
    case 'DRY_RUN_FAILED':
    case 'SQL_EXECUTION_FAILED':
      return {
        sentence:
          rewrites > 0
            ? `The query still failed after ${rewrites} ${rewrites === 1 ? 'rewrite' : 'rewrites'}: ${message}`
            : `The query failed: ${message}`,
        tip: 'Try rephrasing the question, or say which columns or time range you need.',
      };
    case 'LLM_UNAVAILABLE':
      return {
        sentence: "The language model isn't answering right now.",
        tip: 'Try again in a minute; if it keeps happening, tell your Quarry admin.',
      };
    case 'LLM_NOT_CONFIGURED':
      return {
        sentence: 'Quarry has no language model configured yet.',
        tip: 'Ask your Quarry admin to configure one.',
      };
    case 'DATASOURCE_NOT_FOUND':
      return {
        sentence: "That data source doesn't exist in Quarry.",
        tip: 'Check its name with your Quarry admin.',
      };
    case 'DATASOURCE_UNAVAILABLE':
      return {
        sentence: "The database can't be reached right now.",
        tip: 'Try again in a few minutes.',
      };
    case 'RATE_LIMITED':
      return { sentence: 'Quarry is busy with other questions.', tip: 'Try again in a moment.' };
    case 'QUEUE_UNAVAILABLE':
      return {
        sentence: "Quarry's workers couldn't take this question right now.",
        tip: 'Try again in a minute; if it keeps happening, tell your Quarry admin.',
      };
    case 'STOPPED':
      return {
        sentence: 'The question was stopped before it finished.',
        tip: 'Ask again when you are ready.',
      };
    case 'BAD_REQUEST':
    case 'PAYLOAD_TOO_LARGE':
      return {
        sentence: `Quarry couldn't read this question: ${message}`,
        tip: 'Rephrase it, a little shorter, and ask again.',
      };
    case 'UNAUTHORIZED':
    case 'SERVER_REFUSED':
      return {
        sentence: "The Quarry server refused the bot's credentials.",
        tip: 'Ask your Quarry admin to check API_TOKENS.',
      };
    case 'SERVER_UNREACHABLE':
      return {
        sentence: "I can't reach the Quarry server right now.",
        tip: 'Ask again in a minute; if it keeps happening, tell your Quarry admin.',
      };
    case 'CONNECTION_LOST':
      return {
        sentence: 'The connection to the Quarry server dropped before the answer arrived.',
        tip: 'Ask again in a moment.',
      };
    case 'ASK_TIMED_OUT':
      return {
        sentence: 'The Quarry server stopped responding while working on this.',
        tip: 'Ask again in a moment.',
      };
    default:
      return {
        sentence: 'Something went wrong while answering.',
        tip: 'Try again; if it keeps happening, tell your Quarry admin.',
      };
  }
}

export function explainZh(
  code: ErrorCode | BotErrorCode,
  message: string,
  rewrites: number,
): Explanation {
  switch (code) {
    case 'NO_RELEVANT_DATA':
      return {
        sentence: '没有找到能回答这个问题的数据。',
        tip: '可以试着说明具体的表、字段或时间范围。',
      };
    case 'SQL_GENERATION_FAILED':
      return {
        sentence: '没能为这个问题写出 SQL 查询。',
        tip: '换个说法试试，说清需要哪些数据，例如“各部门的平均工资”。',
      };
    case 'UNSAFE_SQL':
      return {
        sentence: '生成的查询不只是读取数据，所以没有执行。',
        tip: '请提查询类的问题：Quarry 只读取数据。',
      };
    case 'DRY_RUN_FAILED':
    case 'SQL_EXECUTION_FAILED':
      return {
        sentence:
          rewrites > 0 ? `重写 ${rewrites} 次后查询仍然失败：${message}` : `查询失败：${message}`,
        tip: '换个说法试试，或说明需要哪些字段、哪个时间范围。',
      };
    case 'LLM_UNAVAILABLE':
      return {
        sentence: '语言模型暂时没有响应。',
        tip: '请一分钟后再试；如果一直这样，请联系 Quarry 管理员。',
      };
    case 'LLM_NOT_CONFIGURED':
      return { sentence: 'Quarry 还没有配置语言模型。', tip: '请联系 Quarry 管理员进行配置。' };
    case 'DATASOURCE_NOT_FOUND':
      return { sentence: 'Quarry 中没有这个数据源。', tip: '请向 Quarry 管理员确认数据源名称。' };
    case 'DATASOURCE_UNAVAILABLE':
      return { sentence: '暂时连不上数据库。', tip: '请过几分钟再试。' };
    case 'RATE_LIMITED':
      return { sentence: 'Quarry 正忙于处理其他问题。', tip: '请稍后再试。' };
    case 'QUEUE_UNAVAILABLE':
      return {
        sentence: 'Quarry 的工作进程暂时无法处理这个问题。',
        tip: '请一分钟后再试；如果一直这样，请联系 Quarry 管理员。',
      };
    case 'STOPPED':
      return { sentence: '这个问题在完成前被停止了。', tip: '准备好后可以重新提问。' };
    case 'BAD_REQUEST':
    case 'PAYLOAD_TOO_LARGE':
      return { sentence: `Quarry 无法读取这个问题：${message}`, tip: '请精简后重新提问。' };
    case 'UNAUTHORIZED':
    case 'SERVER_REFUSED':
      return {
        sentence: 'Quarry 服务器拒绝了机器人的凭据。',
        tip: '请联系 Quarry 管理员检查 API_TOKENS。',
      };
    case 'SERVER_UNREACHABLE':
      return {
        sentence: '暂时连不上 Quarry 服务器。',
        tip: '请一分钟后再问；如果一直这样，请联系 Quarry 管理员。',
      };
    case 'CONNECTION_LOST':
      return { sentence: '答案返回之前，与 Quarry 服务器的连接断开了。', tip: '请稍后重新提问。' };
    case 'ASK_TIMED_OUT':
      return { sentence: 'Quarry 服务器在处理时停止了响应。', tip: '请稍后重新提问。' };
    default:
      return {
        sentence: '回答时出了点问题。',
        tip: '请再试一次；如果一直这样，请联系 Quarry 管理员。',
      };
  }
}
