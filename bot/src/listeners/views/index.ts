import type { App, ViewSubmitAction } from '@slack/bolt';
import { FEEDBACK_MODAL_ID } from '../../answer/feedbackModal.js';
import type { ListenerDeps } from '../deps.js';
import { feedbackCommentHandler } from './feedbackComment.js';

/** Modal submissions. */
export function register(app: App, deps: ListenerDeps): void {
  app.view<ViewSubmitAction>(FEEDBACK_MODAL_ID, feedbackCommentHandler(deps));
}
