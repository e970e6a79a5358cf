import type { Instruction, InstructionInput, InstructionScope } from '@quarry/shared';
import type { DataSource, Repository } from 'typeorm';
import { InstructionEntity, type InstructionRow } from '../entities/index.js';
import type { CrudRepository } from '../port.js';
import { iso, type Revision } from './common.js';
import { createKnowledgeCrud } from './knowledgeTable.js';

function parseQuestions(json: string): string[] {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.filter((q): q is string => typeof q === 'string') : [];
  } catch {
    return [];
  }
}

function toInstruction(row: InstructionRow): Instruction {
  return {
    id: row.id,
    text: row.text,
    scope: row.scope as InstructionScope,
    questions: parseQuestions(row.questions),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

const columnsOf = (input: InstructionInput) => ({
  text: input.text,
  scope: input.scope,
  questions: JSON.stringify(input.questions),
});

/** Instructions: global ones apply to every ask, matched ones to asks like their questions. */
export function createInstructionRepository(
  dataSource: DataSource,
  revision: Revision,
): CrudRepository<Instruction, InstructionInput> {
  const rows: Repository<InstructionRow> = dataSource.getRepository(InstructionEntity);
  return createKnowledgeCrud(rows, revision, {
    what: 'instruction',
    columnsOf,
    toItem: toInstruction,
    list: { searchColumns: ['text', 'questions'], order: { id: 'DESC' } },
  });
}
