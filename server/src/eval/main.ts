import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.js';
import { createOpenAiClient } from '../llm/openaiClient.js';
import { createLogger } from '../logger.js';
import { runOracleCommand } from './oracle/command.js';
import { runEval } from './runEval.js';
import { loadSpiderQuestions, SPIDER_DIR, spiderDatabasePath } from './spider.js';

const USAGE = `npm run eval -- [options]
  --dataset <dir>      a Spider-format dataset (dev.json, database/<db>/<db>.sqlite)  [${SPIDER_DIR}]
  --db <name>          only this database (repeatable)
  --limit <n>          the first n questions
  --concurrency <n>    questions in flight at once  [4]
  --output <file>      write every outcome as JSON lines
  --oracle             pipeline fidelity instead: a scripted model answers every question with
                       its gold SQL, one Quarry server per database asked through /ws; the gold
                       SQL runs as the sqlite3 shell runs it (or on MariaDB itself, with --mysql)
  --mysql <url>        with --oracle: load each database into this MySQL/MariaDB server first
                       (mysql://user:pass@host:port, a user that may create databases)
  --mode <text|events> with --oracle: the /ws mode asked in  [text]
  --postgres <url>     with --oracle: load each database into this PostgreSQL server first
                       (postgres://user:pass@host:port, a user that may create databases)
  --keep               with --mysql or --postgres: keep the loaded databases (quarry_oracle_<db>)
The model comes from the environment as for the server (OPENAI_BASE_URL, OPENAI_API_KEY,
LLM_MODEL, ASK_INTENT_CLASSIFICATION, ASK_REASONING, …); --oracle needs none of it.`;

/** `npm run eval`: execution accuracy of the ask flow on a Spider-format dataset. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dataset: { type: 'string', default: SPIDER_DIR },
      db: { type: 'string', multiple: true },
      limit: { type: 'string' },
      concurrency: { type: 'string', default: '4' },
      output: { type: 'string' },
      oracle: { type: 'boolean', default: false },
      mysql: { type: 'string' },
      postgres: { type: 'string' },
      mode: { type: 'string', default: 'text' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const dataset = resolve(values.dataset);
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  const concurrency = Number(values.concurrency);
  if ((limit !== undefined && !(limit > 0)) || !(concurrency > 0)) {
    throw new Error('--limit and --concurrency take positive whole numbers');
  }
  if (values.oracle) {
    if (values.mode !== 'text' && values.mode !== 'events') {
      throw new Error('--mode takes text or events');
    }
    if (values.mysql !== undefined && values.postgres !== undefined) {
      throw new Error('--mysql and --postgres each name the one engine to load into: pick one');
    }
    await runOracleCommand({
      dataset,
      databases: values.db,
      limit,
      concurrency,
      mode: values.mode,
      mysqlUrl: values.mysql,
      postgresUrl: values.postgres,
      keep: values.keep,
      output: values.output,
    });
    return;
  }
  if (values.mysql !== undefined) throw new Error('--mysql goes with --oracle');
  if (values.postgres !== undefined) throw new Error('--postgres goes with --oracle');
  const config = loadConfig();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const llm = createOpenAiClient({ config: config.llm, logger });
  const questions = (await loadSpiderQuestions(dataset))
    .filter((question) => !values.db?.length || values.db.includes(question.db_id))
    // Databases the dataset does not ship (Spider dev's wta_1) cannot be executed.
    .filter((question) => existsSync(spiderDatabasePath(dataset, question.db_id)))
    .slice(0, limit);
  let done = 0;
  const report = await runEval({
    datasetDir: dataset,
    questions,
    // Results are compared whole, so the row cap must not cut them.
    settings: { ...config.ask, rowLimit: 100_000 },
    llm,
    embedder: config.llm.embeddingModel ? llm : undefined,
    logger,
    concurrency,
    onOutcome: (outcome) => {
      done += 1;
      process.stderr.write(
        `\r${done}/${questions.length} ${outcome.correct ? '✓' : '✗'} ${outcome.db_id}      `,
      );
    },
  });
  process.stderr.write('\n');
  if (values.output) {
    await writeFile(
      values.output,
      `${report.outcomes.map((outcome) => JSON.stringify(outcome)).join('\n')}\n`,
    );
  }
  const lines = [
    `execution accuracy: ${(report.accuracy * 100).toFixed(1)}% (${report.correct}/${report.total}), asks that failed: ${report.errors}`,
    ...Object.entries(report.byDatabase)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(
        ([db, entry]) =>
          `  ${db.padEnd(32)} ${((entry.correct / entry.total) * 100).toFixed(1).padStart(5)}% of ${entry.total}`,
      ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  const message =
    error instanceof ConfigError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(1);
});
