/**
 * What the bot needs from a Slack app, in one place: `slack-manifest.yml` must grant all of it
 * (a test checks), and the README installs the app from that manifest.
 */

/** Events API subscriptions the listeners answer (`app.event`, `app.message` per channel kind). */
export const BOT_EVENTS = {
  app_mention: 'app_mentions:read',
  // Direct messages, and thread replies in public channels, private channels and group DMs.
  'message.im': 'im:history',
  'message.channels': 'channels:history',
  'message.groups': 'groups:history',
  'message.mpim': 'mpim:history',
} as const;

/**
 * Every Web API method the bot calls and the bot scope it needs (none: the method needs only
 * the token). `files.uploadV2` is the SDK's name for the two `files.*` calls below.
 */
export const METHOD_SCOPES: Record<string, string | null> = {
  'auth.test': null,
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'reactions.add': 'reactions:write',
  'reactions.remove': 'reactions:write',
  'files.getUploadURLExternal': 'files:write',
  'files.completeUploadExternal': 'files:write',
  'views.open': null,
  // Optional: without it the ask history shows user ids instead of names.
  'users.info': 'users:read',
};

/** The scope slash commands need. */
export const COMMANDS_SCOPE = 'commands';
