import { CreateKnowledgeTables1767225600000 } from './1767225600000-CreateKnowledgeTables.js';
import { CreateOperationsTables1767225600001 } from './1767225600001-CreateOperationsTables.js';
import { AddSchemaDescriptionHidden1767225600002 } from './1767225600002-AddSchemaDescriptionHidden.js';
import { AddAskedByName1767225600003 } from './1767225600003-AddAskedByName.js';
import { CreateSemanticLayer1767225612000 } from './1767225612000-CreateSemanticLayer.js';
import { AddPairBrokenAndEntryColumns1767225613000 } from './1767225613000-AddPairBrokenAndEntryColumns.js';
import { AddAskReview1767225613001 } from './1767225613001-AddAskReview.js';
import { AddAskPromotedPair1767225613002 } from './1767225613002-AddAskPromotedPair.js';
import { AddAskResultSample1767225614000 } from './1767225614000-AddAskResultSample.js';
import { StoreSemanticProblemReasons1767225614001 } from './1767225614001-StoreSemanticProblemReasons.js';
import { AddAskAnswerParts1767225615000 } from './1767225615000-AddAskAnswerParts.js';

/** Every migration of the app database, oldest first. Append; never edit a shipped one. */
export const knowledgeMigrations = [
  CreateKnowledgeTables1767225600000,
  CreateOperationsTables1767225600001,
  AddSchemaDescriptionHidden1767225600002,
  AddAskedByName1767225600003,
  CreateSemanticLayer1767225612000,
  AddPairBrokenAndEntryColumns1767225613000,
  AddAskReview1767225613001,
  AddAskPromotedPair1767225613002,
  AddAskResultSample1767225614000,
  StoreSemanticProblemReasons1767225614001,
  AddAskAnswerParts1767225615000,
];
