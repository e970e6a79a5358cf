import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../deps.js';
import { QUARRY_COMMAND, quarryCommandHandler } from './quarryCommand.js';

/** Slash commands. */
export function register(app: App, deps: ListenerDeps): void {
  app.command(QUARRY_COMMAND, quarryCommandHandler(deps));
}
