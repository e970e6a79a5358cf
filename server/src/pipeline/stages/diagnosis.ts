import type { FailedSql } from '../modelText.js';
import { diagnosisPrompt } from '../prompts/diagnosis.js';
import type { PipelineDeps } from '../types.js';

/** Explains a failure before the correction call, which then fixes the cause, not the symptom. */
export async function diagnoseSql(
  deps: PipelineDeps,
  input: FailedSql & { signal: AbortSignal },
): Promise<string> {
  const diagnosis = await deps.llm.complete({
    messages: diagnosisPrompt(input),
    signal: input.signal,
  });
  return diagnosis.trim();
}
