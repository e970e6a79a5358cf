import { countTokens } from 'gpt-tokenizer';
import { routeByPrompt } from '../test/fakes/openaiServer.js';
import { collectFrames, connect, query, startTestQuarry } from '../test/support/quarry.js';

/** Result shapes people ask for, on the demo database: the answer prompt grows with them. */
const SHAPES = [
  {
    name: 'monthly series (12 rows)',
    sql: "SELECT strftime('%Y-%m', sale_date) AS month, SUM(amount) AS sales FROM sales GROUP BY month ORDER BY month",
  },
  {
    name: 'category and measure (14 rows)',
    sql: 'SELECT d.name AS department, COUNT(*) AS headcount FROM employees e JOIN departments d ON d.id = e.department_id GROUP BY d.name',
  },
  { name: 'single value', sql: 'SELECT COUNT(*) AS headcount FROM employees' },
  {
    name: '1,000 rows, capped',
    sql: 'SELECT order_no, customer, region, product, amount, sale_date FROM sales',
  },
] as const;

const SETTINGS = [
  { name: 'all off', answer: false, chart: false, followUps: false },
  { name: 'chart only', answer: false, chart: true, followUps: false },
  { name: 'follow-ups only', answer: false, chart: false, followUps: true },
  { name: 'answer only', answer: true, chart: false, followUps: false },
  { name: 'all on (default)', answer: true, chart: true, followUps: true },
] as const;

export interface AnswerCostRow {
  settings: string;
  /** Mean over the shapes, per ask. */
  modelCalls: number;
  promptTokens: number;
  /** The answer call's share of the prompt tokens. */
  answerTokens: number;
  /** Prompt tokens of the answer call per shape (all on only). */
  byShape: Record<string, number>;
}

/**
 * Model calls and prompt tokens (o200k) per ask with the parts after the rows on and off: the
 * real server, events mode, the scripted model (it writes the SQL, then a short answer).
 */
export async function measureAnswerCost(): Promise<AnswerCostRow[]> {
  const rows: AnswerCostRow[] = [];
  for (const setting of SETTINGS) {
    const quarry = await startTestQuarry({
      ASK_ANSWER: String(setting.answer),
      ASK_CHART: String(setting.chart),
      ASK_FOLLOW_UPS: String(setting.followUps),
    });
    try {
      let calls = 0;
      let tokens = 0;
      let answerTokens = 0;
      const byShape: Record<string, number> = {};
      for (const shape of SHAPES) {
        quarry.fake.reset();
        quarry.fake.onChat(
          routeByPrompt([
            [/TASK: SQL GENERATION/, `\`\`\`sql\n${shape.sql}\n\`\`\``],
            [
              /TASK: ANSWER FROM/,
              (request) =>
                `${request.stream ? 'The result answers the question. <<<JSON>>>\n' : ''}${JSON.stringify({ chart: 'bar', follow_ups: ['And last year?', 'By region?', 'Who leads?'] })}`,
            ],
          ]),
        );
        const ws = await connect(`${quarry.wsUrl}?format=json`);
        await collectFrames(ws, query(`bench: ${shape.name}`), (text) => {
          const event = JSON.parse(text) as { type: string; parts?: string[] };
          const last = setting.followUps ? 'follow_ups' : setting.chart ? 'chart' : 'answer';
          if (event.type === 'error') throw new Error(text);
          if (event.type === 'result') return (event.parts ?? []).length === 0;
          return event.type === last;
        });
        ws.close();
        calls += quarry.fake.chatRequests.length;
        for (const request of quarry.fake.chatRequests) {
          const size = request.messages.reduce((sum, m) => sum + countTokens(m.content), 0);
          tokens += size;
          if (request.system.includes('TASK: ANSWER FROM')) {
            answerTokens += size;
            byShape[shape.name] = size;
          }
        }
      }
      rows.push({
        settings: setting.name,
        modelCalls: calls / SHAPES.length,
        promptTokens: Math.round(tokens / SHAPES.length),
        answerTokens: Math.round(answerTokens / SHAPES.length),
        byShape,
      });
    } finally {
      await quarry.close();
    }
  }
  return rows;
}

export const ANSWER_COST_SHAPES = SHAPES.map((shape) => shape.name);
