import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { ACTION_IDS, FOLLOW_UP_ACTION } from '../../answer/render.js';
import type { ListenerDeps } from '../deps.js';
import { downloadCsvHandler } from './downloadCsv.js';
import { feedbackDownHandler } from './feedbackDown.js';
import { feedbackUpHandler } from './feedbackUp.js';
import { followUpHandler } from './followUp.js';

/** The buttons on an answer. */
export function register(app: App, deps: ListenerDeps): void {
  app.action<BlockAction<ButtonAction>>(ACTION_IDS.feedbackUp, feedbackUpHandler(deps));
  app.action<BlockAction<ButtonAction>>(ACTION_IDS.feedbackDown, feedbackDownHandler(deps));
  app.action<BlockAction<ButtonAction>>(ACTION_IDS.downloadCsv, downloadCsvHandler(deps));
  app.action<BlockAction<ButtonAction>>({ action_id: FOLLOW_UP_ACTION }, followUpHandler(deps));
}
