import {
  type AskDetails,
  type AskEvent,
  describeReason,
  type Intent,
  type ProgressStep,
  questionLanguage,
  type Reason,
  seedMessages,
  statusOfError,
  stepEvent,
} from '@quarry/shared';
import { QuarryError, toQuarryError } from '../errors.js';
import type { DataSource } from '../ports.js';
import { type PreparedSql, tablesRead } from '../sql/prepare.js';
import { traceAsk } from './askDetails.js';
import { executeWithCorrections, semanticsField } from './correctionLoop.js';
import { forPeople, reasonOfFailure } from './peopleMessages.js';
import { sampleResult } from './resultSample.js';
import { answerFromResult, planAnswerParts } from './stages/answer.js';
import { pruneColumns } from './stages/columnPruning.js';
import { generateSql } from './stages/generation.js';
import { findHistoricalSql, schemaForVerifiedSql } from './stages/historicalMatch.js';
import { classifyIntent } from './stages/intent.js';
import { retrieveKnowledge } from './stages/knowledgeRetrieval.js';
import { postProcessSql } from './stages/postProcessing.js';
import { planSql } from './stages/reasoning.js';
import { replyWithoutSql } from './stages/reply.js';
import { retrieveSchema } from './stages/schemaRetrieval.js';
import { retrieveSqlFunctions } from './stages/sqlFunctions.js';
import type { AskInput, AskOutcome, Emit, PipelineDeps } from './types.js';

type Timed = <T>(stage: string, work: () => Promise<T>) => Promise<T>;

/** How an ask ended: its status and what only that ending has (rows, a reply, an error). */
type Ending = Omit<AskOutcome, 'timings' | 'details'>;

/** What the ask learned before it ended, kept also when a later stage fails. */
interface Learned {
  intent?: Intent;
  rephrasedQuestion?: string;
  retrievedTables?: string[];
  /** The samples and instructions the model was shown, once its SQL was extracted. */
  shown?: Pick<AskDetails, 'samples' | 'instructions'>;
}

/**
 * Answers one question: sequences the stages of the ask flow and reports every step through
 * `emit`. Never throws: every failure ends as an `error` event and a failed or stopped outcome.
 */
export async function runAsk(
  processDeps: PipelineDeps,
  input: AskInput,
  emitEvent: Emit,
  signal: AbortSignal,
): Promise<AskOutcome> {
  const deps = processDeps.forAsk?.() ?? processDeps;
  const timings: Record<string, number> = {};
  const trace = traceAsk(emitEvent);
  const learned: Learned = {};
  const timed: Timed = async (stage, work) => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      timings[stage] = Math.round((performance.now() - started) * 10) / 10;
    }
  };
  let ending: Ending;
  let stoppedEarly: string | undefined;
  try {
    ending = await answer(deps, { input, emit: trace.emit, signal, timed, learned });
  } catch (thrown) {
    const failure = failureOf(deps, input, thrown, signal);
    stoppedEarly = failure.stoppedEarly;
    trace.emit({
      type: 'error',
      code: failure.code,
      message: failure.message,
      ...(failure.reason ? { reason: failure.reason } : {}),
    });
    ending = {
      status: statusOfError(failure.code),
      errorCode: failure.code,
      error: failure.message,
    };
  }
  const { shown, ...known } = learned;
  return {
    ...known,
    ...trace.lastTried(),
    ...ending,
    timings,
    details: {
      ...trace.details,
      ...shown,
      ...(stoppedEarly !== undefined ? { stopped_early: stoppedEarly } : {}),
    },
  };
}

/** The stages in order; what they learn on the way goes into `run.learned`. */
async function answer(
  deps: PipelineDeps,
  run: { input: AskInput; emit: Emit; signal: AbortSignal; timed: Timed; learned: Learned },
): Promise<Ending> {
  const { input, emit, signal, timed, learned } = run;
  const language = questionLanguage(input.question);
  const step = (name: ProgressStep) => emit(stepEvent(name, language));

  step('received');
  const dataSource = await deps.dataSource(input.datasource);

  const verified = await timed('historical_match', () =>
    findHistoricalSql(deps, { ...input, signal }),
  );
  if (verified) {
    step('historical_match');
    return await execute(deps, {
      input,
      prepared: verified,
      ddl: () =>
        schemaForVerifiedSql(deps, {
          datasource: input.datasource,
          question: input.question,
          tables: tablesRead(verified),
          dialect: dataSource.dialect,
          signal,
        }),
      dataSource,
      emit,
      signal,
      timed,
      fromHistory: true,
    });
  }

  step('retrieving_knowledge');
  const knowledge = await timed('knowledge_retrieval', () =>
    retrieveKnowledge(deps, {
      question: input.question,
      datasource: input.datasource,
      dialect: dataSource.dialect,
      signal,
    }),
  );

  let question = input.question;
  if (deps.settings.intentClassification) {
    step('classifying_intent');
    const tableNames = (await deps.schema(input.datasource)).map((table) => table.name);
    const understood = await timed('intent', () =>
      classifyIntent(deps, {
        ...knowledge,
        question,
        threadId: input.threadId,
        askId: input.askId,
        tableNames,
        signal,
      }),
    );
    const intent = understood.intent;
    question = understood.rephrasedQuestion;
    learned.intent = intent;
    learned.rephrasedQuestion = question;
    emit({ type: 'understood', rephrased_question: question, intent });
    if (intent !== 'TEXT_TO_SQL') {
      const reply = await timed('reply', () =>
        replyWithoutSql(deps, { question, intent, tableNames, emit, signal }),
      );
      emit({ type: 'reply', intent, reply });
      return { status: 'finished', reply };
    }
  }

  step('retrieving_schema');
  const retrieved = await timed('schema_retrieval', () =>
    retrieveSchema(deps, { datasource: input.datasource, question, signal }),
  );
  if (retrieved.length === 0) {
    const reason = {
      code: 'no_relevant_data',
      params: { datasource: input.datasource },
    } as const;
    throw new QuarryError('NO_RELEVANT_DATA', describeReason(reason, 'en'), {
      context: { reason },
    });
  }
  learned.retrievedTables = retrieved.map((table) => table.name);
  emit({
    type: 'retrieved',
    tables: learned.retrievedTables,
    sql_pairs: knowledge.samples.length,
    instructions: knowledge.instructions.length,
  });
  const { ddl, tables: shown } = await timed('column_pruning', () =>
    pruneColumns(deps, {
      question,
      tables: retrieved,
      dialect: dataSource.dialect,
      emit,
      signal,
    }),
  );

  let reasoning: string | undefined;
  if (deps.settings.reasoning) {
    step('reasoning');
    reasoning = await timed('reasoning', () =>
      planSql(deps, { question, ddl, instructions: knowledge.instructions, emit, signal }),
    );
  }

  step('generating');
  const sqlFunctions = retrieveSqlFunctions({ dialect: dataSource.dialect });
  const raw = await timed('generation', () =>
    generateSql(deps, {
      question,
      dialect: dataSource.dialect,
      ddl,
      samples: knowledge.samples,
      instructions: knowledge.instructions,
      sqlFunctions,
      ...(reasoning ? { reasoning } : {}),
      semantics: {
        calculatedFields: shown.some((table) => table.columns.some((c) => c.calculated)),
        metrics: shown.some((table) => table.metric !== undefined),
      },
      emit,
      signal,
    }),
  );
  const processed = await timed('post_processing', () =>
    postProcessSql(deps, { raw, datasource: input.datasource, dataSource, signal }),
  );
  if (processed === null) {
    throw new QuarryError('SQL_GENERATION_FAILED', seedMessages.generationFailed, {
      context: { raw },
    });
  }
  learned.shown = {
    samples: knowledge.samples.map(({ question: q, sql: s }) => ({ question: q, sql: s })),
    instructions: knowledge.instructions,
  };
  return await execute(deps, {
    input: { ...input, question },
    prepared: processed,
    ddl: async () => ddl,
    dataSource,
    emit,
    signal,
    timed,
  });
}

/** Dry run, execution and corrections, then the result event and the parts after the rows. */
async function execute(
  deps: PipelineDeps,
  run: {
    input: AskInput;
    /** The first SQL to run, as `sql/` finished it. */
    prepared: PreparedSql;
    ddl: () => Promise<string>;
    dataSource: DataSource;
    emit: Emit;
    signal: AbortSignal;
    timed: Timed;
    fromHistory?: boolean;
  },
): Promise<Ending> {
  const { emit, prepared } = run;
  emit({
    type: 'sql',
    sql: prepared.sql,
    attempt: 0,
    ...(run.fromHistory ? { from_history: true } : {}),
    ...semanticsField(prepared.semanticsUsed),
    ...(prepared.rewrites.length > 0 ? { rewrites: prepared.rewrites } : {}),
  });
  const executed = await run.timed('execution', () =>
    executeWithCorrections(deps, {
      question: run.input.question,
      datasource: run.input.datasource,
      prepared,
      ddl: run.ddl,
      dataSource: run.dataSource,
      emit,
      signal: run.signal,
    }),
  );
  const { result } = executed;
  const sample = sampleResult(result);
  const plan = planAnswerParts(deps, run.input.parts, result);
  const event: AskEvent = {
    type: 'result',
    sql: executed.sql,
    columns: result.columns,
    rows: result.rows,
    row_count: result.rows.length,
    capped: result.capped,
    ...(plan.parts.length > 0 ? { parts: plan.parts } : {}),
  };
  emit(event);
  const parts =
    plan.parts.length > 0
      ? await run.timed('answer', () =>
          answerFromResult(deps, {
            plan,
            question: run.input.question,
            sql: executed.sql,
            result,
            emit,
            signal: run.signal,
          }),
        )
      : {};
  return {
    status: 'finished',
    sql: executed.sql,
    columns: result.columns,
    rowCount: result.rows.length,
    capped: result.capped,
    ...(sample ? { resultSample: sample } : {}),
    ...parts,
  };
}

/** Anything thrown, as the error people are shown; a stop is STOPPED whatever was thrown. */
function failureOf(
  deps: PipelineDeps,
  input: AskInput,
  thrown: unknown,
  signal: AbortSignal,
): { code: QuarryError['code']; message: string; reason?: Reason; stoppedEarly?: string } {
  const error = signal.aborted
    ? new QuarryError('STOPPED', 'The ask was stopped.')
    : toQuarryError(thrown);
  if (error.code === 'INTERNAL') {
    deps.logger.error({ err: thrown, askId: input.askId }, 'ask failed');
  }
  // A correction loop that stopped early already worded its error for people.
  const stoppedEarly = error.context.stoppedEarly;
  if (typeof stoppedEarly === 'string') {
    return {
      code: error.code,
      message: error.message,
      reason: error.context.stoppedEarlyReason as Reason,
      stoppedEarly,
    };
  }
  const reason = error.context.reason as Reason | undefined;
  return {
    code: error.code,
    message: forPeople(error.code, error.message, questionLanguage(input.question), reason),
    // For clients in another language: the failure as a code, a database's words as detail.
    ...reasonOfFailure(error),
  };
}
