import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../deps.js';
import { appMentionHandler } from './appMention.js';
import { messageHandler } from './message.js';

/** Events API listeners: mentions, direct messages, thread follow-ups. */
export function register(app: App, deps: ListenerDeps): void {
  app.event('app_mention', appMentionHandler(deps));
  app.message(messageHandler(deps));
}
