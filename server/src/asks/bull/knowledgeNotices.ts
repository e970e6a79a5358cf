import { randomUUID } from 'node:crypto';
import type { KnowledgeChangeMessage } from '@quarry/shared';
import type { KnowledgeStore } from '../../knowledge/port.js';
import type { KnowledgeSnapshots } from '../../knowledge/snapshot.js';
import type { Logger } from '../../logger.js';
import type { AskJobBus } from './jobBus.js';
import { parseKnowledgeChange } from './messages.js';

/**
 * Carries knowledge change notices between the processes of a queue over Redis pub/sub:
 * after this process's store moved the revision it tells the others, and when another
 * process says so, this one's snapshots are read again before its next ask. Promises: an
 * admin's edit reaches every worker reachable over Redis within a round trip. Leaves out:
 * notices lost while Redis is down or to deployments on another queue; the snapshots'
 * periodic revision check catches those. Returns what stops it.
 */
export async function shareKnowledgeChanges(deps: {
  bus: Pick<AskJobBus, 'knowledgeChannel' | 'publish' | 'subscribe'>;
  store: Pick<KnowledgeStore, 'onRevision'>;
  snapshots: Pick<KnowledgeSnapshots, 'changed'>;
  logger: Logger;
}): Promise<() => void> {
  const { bus, logger } = deps;
  const origin = randomUUID();
  let stopped = false;
  await bus.subscribe(bus.knowledgeChannel, (text) => {
    if (stopped) return;
    const message = parseKnowledgeChange(text);
    if (!message) {
      logger.warn({ channel: bus.knowledgeChannel }, 'ignored a malformed knowledge notice');
      return;
    }
    if (message.origin !== origin) deps.snapshots.changed();
  });
  const unsubscribe = deps.store.onRevision(() => {
    bus.publish(bus.knowledgeChannel, {
      type: 'knowledge_changed',
      origin,
    } satisfies KnowledgeChangeMessage);
  });
  return () => {
    stopped = true;
    unsubscribe();
  };
}
