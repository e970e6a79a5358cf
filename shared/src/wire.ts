import { z } from 'zod';

/** Longest question accepted, in characters. */
export const MAX_QUESTION_CHARS = 4000;

/** The one client frame of `/ws`: a question. Unknown keys are ignored. */
export const queryFrameSchema = z.object({
  type: z.literal('query', { error: '"type" must be "query"' }),
  query: z
    .string({ error: '"query" must be a string' })
    .trim()
    .min(1, '"query" must not be empty')
    .max(MAX_QUESTION_CHARS, `"query" must be at most ${MAX_QUESTION_CHARS} characters`),
  datasource: z.string().trim().min(1).max(128).optional(),
  thread_id: z.string().trim().min(1).max(256).optional(),
  format: z.enum(['text', 'json']).optional(),
  /** Which client asked, for the ask history: the Slack bot and the console say so. */
  source: z.enum(['slack', 'console']).optional(),
  /** Who asked, as the client knows them (a Slack user id), for the ask history (`asked_by`, 255). */
  user: z.string().trim().min(1).max(255).optional(),
  /**
   * The asker's name as people read it (a Slack display name), for the ask history only:
   * `user` stays the stable key (per-user ask limits), since names change and repeat.
   */
  user_name: z.string().trim().min(1).max(256).optional(),
});

export type QueryFrame = z.infer<typeof queryFrameSchema>;

/** `POST /v1/asks` body. */
export const askBodySchema = queryFrameSchema.omit({ type: true, format: true, source: true });
export type AskBody = z.infer<typeof askBodySchema>;

/** Where an ask came from, recorded in its history. */
export const ASK_SOURCES = ['ws', 'api', 'slack', 'console'] as const;
export type AskSource = (typeof ASK_SOURCES)[number];
