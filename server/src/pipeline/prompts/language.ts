/** The reply language rule every prompt carries: answer as the user asked. */
export const LANGUAGE_RULE =
  "Write every sentence meant for the user in the user's language: the language of their question (Chinese question → Chinese answer, English → English).";
