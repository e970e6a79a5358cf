/**
 * A Quarry server in a process of its own, for tests that measure it from outside: started
 * with `forkServer`, configured by its environment like `npm start`, it reports its port and
 * answers `memory` messages with `process.memoryUsage()` (after a GC when --expose-gc is on).
 */
import { parseConfig } from '../../server/src/config.js';
import { createLogger } from '../../server/src/logger.js';
import { startQuarryServer } from '../../server/src/server.js';

const config = parseConfig(process.env);
const server = await startQuarryServer(config, createLogger(config.logLevel), {
  print: () => undefined,
  ...(process.env.TEST_DEMO_DATABASE_PATH
    ? { demoDatabasePath: process.env.TEST_DEMO_DATABASE_PATH }
    : {}),
});
process.send?.({ type: 'listening', port: server.port });
process.on('message', (message) => {
  if (message === 'memory') {
    (globalThis as { gc?: () => void }).gc?.();
    process.send?.({ type: 'memory', memory: process.memoryUsage() });
  } else if (message === 'close') {
    void server.close().then(() => process.exit(0));
  }
});
