/**
 * The one list of log fields whose values never reach a line, for the server's logger and the
 * bot's alike (the bot may log through either): model keys, passwords, every token, the Slack
 * signing secret, authorization headers. pino paths, one level of nesting (`*.x`).
 */
export const REDACTED_LOG_FIELDS = [
  'apiKey',
  'password',
  'token',
  'botToken',
  'appToken',
  'apiToken',
  'apiTokens',
  'adminToken',
  'signingSecret',
  'secretKey',
  'authorization',
] as const;

/** `REDACTED_LOG_FIELDS` as pino redaction paths: each at the top level and one level down. */
export const REDACTED_LOG_PATHS: readonly string[] = [
  ...REDACTED_LOG_FIELDS.flatMap((field) => [field, `*.${field}`]),
  'headers.authorization',
  '*.headers.authorization',
];
