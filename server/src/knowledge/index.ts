export { dataSourceOptions } from './dataSource.js';
export { knowledgeEntities } from './entities/index.js';
export { knowledgeMigrations } from './migrations/index.js';
export { abbreviationKey, normalizeQuestion, questionKey } from './normalize.js';
export type * from './port.js';
export { DEFAULT_DATASOURCE, maskUrl } from './repositories/datasources.js';
export { type KnowledgeStoreDeps, openKnowledgeStore } from './store.js';
