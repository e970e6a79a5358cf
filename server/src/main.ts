import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { startQuarryServer } from './server.js';
import { closeOnSignals } from './shutdown.js';

/**
 * `npm start`: the pipeline server with the configuration of the environment and `.env`, and
 * the Slack bot in the same process when Slack tokens are set. The environment is read once
 * (`loadConfig`), the bot's part included.
 */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  if (!config.llm.apiKey && !config.llm.baseUrl) {
    logger.warn(
      'No language model is configured: questions will be answered with an error until OPENAI_API_KEY (and OPENAI_BASE_URL for a non-OpenAI endpoint) is set.',
    );
  }
  const server = await startQuarryServer(config, logger);
  const closers = [() => server.close()];

  if (config.slack) {
    // Loaded only when Slack is configured: Bolt's Socket Mode loads the npm `undici`, which
    // makes itself the process's fetch dispatcher on load, so a server without Slack would
    // send its model calls through it (and carry Bolt in memory) for nothing.
    const { pointedAt, startSlackBot } = await import('@quarry/bot');
    // In one process the bot talks to this server, wherever HOST and PORT put it, unless
    // QUARRY_SERVER_URL says otherwise.
    const botConfig = config.slack.quarry.serverUrlSet
      ? config.slack
      : pointedAt(config.slack, ownWsUrl(config.host, server.port));
    const bot = await startSlackBot(botConfig, logger, {
      onSlackCall: server.metrics.slack.record,
    });
    closers.unshift(() => bot.close());
  }

  closeOnSignals(logger, () => Promise.all(closers.map((close) => close())));
}

/** This server's `/ws` as a client on this machine reaches it (any-address binds via loopback). */
function ownWsUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `ws://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}/ws`;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Quarry could not start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
