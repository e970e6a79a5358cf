import type { ErrorCode } from '@quarry/shared';
import type { BotErrorCode } from '../errors.js';
import type { Language } from './language.js';

/** What a failure means to the user, and what to try next. */
export interface Explanation {
  sentence: string;
  tip: string;
}

type FailureCode = ErrorCode | BotErrorCode;

/** One failure in every language the bot speaks, side by side so that none can fall behind. */
type Told = Record<Language, Explanation>;

/** What any failure without an entry of its own says. */
const SOMETHING_WENT_WRONG: Told = {
  en: {
    sentence: 'Something went wrong while answering.',
    tip: 'Try again; if it keeps happening, tell your Quarry admin.',
  },
  zh: {
    sentence: '回答时出了点问题。',
    tip: '请再试一次；如果一直这样，请联系 Quarry 管理员。',
  },
};

/**
 * Failures as plain sentences, with what to try next. Codes that mean the same to the user
 * share one entry; a failure's own message is quoted only where it helps (a query's error, a
 * question the server could not read).
 */
function explanations(message: string, rewrites: number): Partial<Record<FailureCode, Told>> {
  const queryFailed: Told = {
    en: {
      sentence:
        rewrites > 0
          ? `The query still failed after ${rewrites} ${rewrites === 1 ? 'rewrite' : 'rewrites'}: ${message}`
          : `The query failed: ${message}`,
      tip: 'Try rephrasing the question, or say which columns or time range you need.',
    },
    zh: {
      sentence:
        rewrites > 0 ? `重写 ${rewrites} 次后查询仍然失败：${message}` : `查询失败：${message}`,
      tip: '换个说法试试，或说明需要哪些字段、哪个时间范围。',
    },
  };
  const unreadable: Told = {
    en: {
      sentence: `Quarry couldn't read this question: ${message}`,
      tip: 'Rephrase it, a little shorter, and ask again.',
    },
    zh: {
      sentence: `Quarry 无法读取这个问题：${message}`,
      tip: '请精简后重新提问。',
    },
  };
  const botRefused: Told = {
    en: {
      sentence: "The Quarry server refused the bot's credentials.",
      tip: 'Ask your Quarry admin to check API_TOKENS.',
    },
    zh: {
      sentence: 'Quarry 服务器拒绝了机器人的凭据。',
      tip: '请联系 Quarry 管理员检查 API_TOKENS。',
    },
  };
  return {
    NO_RELEVANT_DATA: {
      en: {
        sentence: "I couldn't find data that answers this question.",
        tip: 'Try naming the table, field or time range you mean.',
      },
      zh: {
        sentence: '没有找到能回答这个问题的数据。',
        tip: '可以试着说明具体的表、字段或时间范围。',
      },
    },
    SQL_GENERATION_FAILED: {
      en: {
        sentence: "I couldn't write a SQL query for this question.",
        tip: 'Try rephrasing it with the data you need, for example “average salary by department”.',
      },
      zh: {
        sentence: '没能为这个问题写出 SQL 查询。',
        tip: '换个说法试试，说清需要哪些数据，例如“各部门的平均工资”。',
      },
    },
    UNSAFE_SQL: {
      en: {
        sentence: "The query I wrote would do more than read data, so I didn't run it.",
        tip: 'Ask for information to look up: Quarry only reads data.',
      },
      zh: {
        sentence: '生成的查询不只是读取数据，所以没有执行。',
        tip: '请提查询类的问题：Quarry 只读取数据。',
      },
    },
    DRY_RUN_FAILED: queryFailed,
    SQL_EXECUTION_FAILED: queryFailed,
    LLM_UNAVAILABLE: {
      en: {
        sentence: "The language model isn't answering right now.",
        tip: 'Try again in a minute; if it keeps happening, tell your Quarry admin.',
      },
      zh: {
        sentence: '语言模型暂时没有响应。',
        tip: '请一分钟后再试；如果一直这样，请联系 Quarry 管理员。',
      },
    },
    LLM_NOT_CONFIGURED: {
      en: {
        sentence: 'Quarry has no language model configured yet.',
        tip: 'Ask your Quarry admin to configure one.',
      },
      zh: {
        sentence: 'Quarry 还没有配置语言模型。',
        tip: '请联系 Quarry 管理员进行配置。',
      },
    },
    DATASOURCE_NOT_FOUND: {
      en: {
        sentence: "That data source doesn't exist in Quarry.",
        tip: 'Check its name with your Quarry admin.',
      },
      zh: {
        sentence: 'Quarry 中没有这个数据源。',
        tip: '请向 Quarry 管理员确认数据源名称。',
      },
    },
    DATASOURCE_UNAVAILABLE: {
      en: {
        sentence: "The database can't be reached right now.",
        tip: 'Try again in a few minutes.',
      },
      zh: {
        sentence: '暂时连不上数据库。',
        tip: '请过几分钟再试。',
      },
    },
    RATE_LIMITED: {
      en: {
        sentence: 'Quarry is busy with other questions.',
        tip: 'Try again in a moment.',
      },
      zh: {
        sentence: 'Quarry 正忙于处理其他问题。',
        tip: '请稍后再试。',
      },
    },
    QUEUE_UNAVAILABLE: {
      en: {
        sentence: "Quarry's workers couldn't take this question right now.",
        tip: 'Try again in a minute; if it keeps happening, tell your Quarry admin.',
      },
      zh: {
        sentence: 'Quarry 的工作进程暂时无法处理这个问题。',
        tip: '请一分钟后再试；如果一直这样，请联系 Quarry 管理员。',
      },
    },
    STOPPED: {
      en: {
        sentence: 'The question was stopped before it finished.',
        tip: 'Ask again when you are ready.',
      },
      zh: {
        sentence: '这个问题在完成前被停止了。',
        tip: '准备好后可以重新提问。',
      },
    },
    BAD_REQUEST: unreadable,
    PAYLOAD_TOO_LARGE: unreadable,
    UNAUTHORIZED: botRefused,
    SERVER_REFUSED: botRefused,
    SERVER_UNREACHABLE: {
      en: {
        sentence: "I can't reach the Quarry server right now.",
        tip: 'Ask again in a minute; if it keeps happening, tell your Quarry admin.',
      },
      zh: {
        sentence: '暂时连不上 Quarry 服务器。',
        tip: '请一分钟后再问；如果一直这样，请联系 Quarry 管理员。',
      },
    },
    CONNECTION_LOST: {
      en: {
        sentence: 'The connection to the Quarry server dropped before the answer arrived.',
        tip: 'Ask again in a moment.',
      },
      zh: {
        sentence: '答案返回之前，与 Quarry 服务器的连接断开了。',
        tip: '请稍后重新提问。',
      },
    },
    ASK_TIMED_OUT: {
      en: {
        sentence: 'The Quarry server stopped responding while working on this.',
        tip: 'Ask again in a moment.',
      },
      zh: {
        sentence: 'Quarry 服务器在处理时停止了响应。',
        tip: '请稍后重新提问。',
      },
    },
  };
}

/** The bot's explainer for one language: a failure code (and its message) as a sentence and a tip. */
export function explainIn(
  language: Language,
): (code: FailureCode, message: string, rewrites: number) => Explanation {
  return (code, message, rewrites) =>
    (explanations(message, rewrites)[code] ?? SOMETHING_WENT_WRONG)[language];
}
