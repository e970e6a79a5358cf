/** The admin token of the Quarry servers the bench starts. */
export const BENCH_ADMIN_TOKEN = 'bench-admin-token-0123456789';

/**
 * The environment of a Quarry server the bench measures: the model at `modelUrl`, and only the
 * SQL path (answerCost.ts measures the answer, chart and follow-ups after the rows), logging at
 * the default level, as in production (one line per ask; stdout goes to /dev/null here).
 */
export function benchQuarryEnv(port: number, modelUrl: string): Record<string, string> {
  return {
    PORT: String(port),
    OPENAI_BASE_URL: modelUrl,
    OPENAI_API_KEY: 'bench',
    LLM_MODEL: 'bench-model',
    ADMIN_TOKEN: BENCH_ADMIN_TOKEN,
    ASK_INTENT_CLASSIFICATION: 'false',
    ASK_REASONING: 'false',
    ASK_ANSWER: 'false',
    ASK_CHART: 'false',
    ASK_FOLLOW_UPS: 'false',
    LOG_LEVEL: 'info',
  };
}
