import {
  DictionaryEntryEntity,
  InstructionEntity,
  KnowledgeRevisionEntity,
  SchemaDescriptionEntity,
  SqlPairEntity,
} from './knowledge.js';
import { AskEntity, DataSourceEntity, SettingEntity } from './operations.js';
import { CalculatedFieldEntity, MetricEntity, RelationshipEntity } from './semantics.js';

export * from './knowledge.js';
export * from './operations.js';
export * from './semantics.js';

/** Every entity of the app database, for the DataSource options. */
export const knowledgeEntities = [
  SqlPairEntity,
  InstructionEntity,
  DictionaryEntryEntity,
  SchemaDescriptionEntity,
  KnowledgeRevisionEntity,
  DataSourceEntity,
  AskEntity,
  SettingEntity,
  RelationshipEntity,
  CalculatedFieldEntity,
  MetricEntity,
];
