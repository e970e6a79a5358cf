/** What other packages may use of the bot: the server starts it in-process when Slack tokens are set. */
export {
  BOT_ENVIRONMENT_VARIABLES,
  type BotConfig,
  type Environment,
  isSlackBotConfigured,
  loadBotConfig,
  pointedAt,
} from './config.js';
export { BotError, type BotErrorCode, toBotError } from './errors.js';
export { type RunningSlackBot, type SlackBotOptions, startSlackBot } from './main.js';
export { registerSlackCallMetrics, type SlackCallMetrics } from './metrics.js';
