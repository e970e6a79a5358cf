import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { loadSpiderQuestions, spiderDatabasePath } from '../spider.js';
import { type OracleMode, type OracleReport, runOracle, UNDETERMINED } from './oracle.js';
import { createPostgresTarget } from './postgresTarget.js';
import { createMysqlTarget, createSqliteTarget } from './targets.js';

/** `npm run eval -- --oracle [--mysql <url> | --postgres <url>]`: runs the oracle and prints its report. */
export async function runOracleCommand(options: {
  dataset: string;
  databases: string[] | undefined;
  limit: number | undefined;
  concurrency: number;
  mode: OracleMode;
  mysqlUrl: string | undefined;
  postgresUrl: string | undefined;
  keep: boolean;
  output: string | undefined;
}): Promise<void> {
  const all = (await loadSpiderQuestions(options.dataset)).filter(
    (question) => !options.databases?.length || options.databases.includes(question.db_id),
  );
  // Databases the dataset does not ship (Spider dev's wta_1) have nothing to run on.
  const questions = all
    .filter((question) => existsSync(spiderDatabasePath(options.dataset, question.db_id)))
    .slice(0, options.limit);
  const target =
    options.postgresUrl !== undefined
      ? await createPostgresTarget(options.postgresUrl, options.dataset, { keep: options.keep })
      : options.mysqlUrl !== undefined
        ? await createMysqlTarget(options.mysqlUrl, options.dataset, { keep: options.keep })
        : await createSqliteTarget(options.dataset);
  let done = 0;
  let report: OracleReport;
  const started = performance.now();
  try {
    report = await runOracle({
      questions,
      target,
      mode: options.mode,
      concurrency: options.concurrency,
      onOutcome: (outcome) => {
        done += 1;
        const mark = { passed: '✓', failed: '✗', skipped: '·' }[outcome.verdict];
        process.stderr.write(`\r${done}/${questions.length} ${mark} ${outcome.db_id}        `);
      },
    });
  } finally {
    await target.close();
  }
  process.stderr.write('\n');
  if (options.output) {
    await writeFile(
      options.output,
      `${report.outcomes.map((outcome) => JSON.stringify(outcome)).join('\n')}\n`,
    );
  }
  const shipped = new Set(questions.map((question) => question.db_id)).size;
  const seconds = Math.round((performance.now() - started) / 1000);
  process.stdout.write(
    `${formatOracleReport(report, {
      unshipped: options.limit === undefined ? all.length - questions.length : 0,
      databases: shipped,
      seconds,
    }).join('\n')}\n`,
  );
}

/** The report as lines: totals, failures by class, then each failure and skip with its reason. */
export function formatOracleReport(
  report: OracleReport,
  run: { unshipped: number; databases: number; seconds: number },
): string[] {
  const classes = Object.entries(report.byFailure)
    .map(([failure, count]) => `${failure} ${count}`)
    .join(', ');
  const undetermined = report.outcomes.filter((outcome) =>
    outcome.detail?.startsWith(UNDETERMINED),
  ).length;
  const lines = [
    `oracle fidelity on ${report.engine} (${report.mode} mode through /ws; gold: ${report.gold})`,
    `  ${report.passed + report.failed + report.skipped} questions in ${run.databases} databases, ${run.seconds} s on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB`,
    `  passed ${report.passed} of ${report.passed + report.failed} whose gold SQL runs; failed ${report.failed}${classes ? ` (${classes})` : ''}; skipped ${report.skipped} (gold not executable${undetermined > 0 ? `, or its answer is left open by the SQL on this engine: ${undetermined}` : ''})`,
  ];
  if (run.unshipped > 0) {
    lines.push(`  left out: ${run.unshipped} questions on databases the dataset does not ship`);
  }
  for (const [db, warnings] of Object.entries(report.loadWarnings)) {
    for (const warning of warnings) lines.push(`  load ${db}: ${warning}`);
  }
  for (const outcome of report.outcomes) {
    if (outcome.verdict === 'passed') continue;
    const label = outcome.verdict === 'failed' ? `FAILED ${outcome.failure}` : 'skipped';
    lines.push(`  ${label} #${outcome.index} ${outcome.db_id}: ${outcome.detail ?? ''}`);
    lines.push(`      gold: ${outcome.gold}`);
    if (outcome.sql !== undefined && outcome.sql !== outcome.gold) {
      lines.push(`      ran:  ${outcome.sql}`);
    }
  }
  return lines;
}
