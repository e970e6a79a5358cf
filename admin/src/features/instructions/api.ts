import type { Instruction, InstructionInput } from '@quarry/shared';
import { useDeleteResource, usePagedQuery, useSaveResource } from '../../lib/resources';

const KEY = ['instructions'] as const;
const PATH = '/api/instructions';

export function useInstructions(params: { q: string; page: number }) {
  return usePagedQuery<Instruction>([...KEY, 'list'], PATH, params);
}

export function useSaveInstruction() {
  return useSaveResource<InstructionInput, Instruction>(KEY, PATH);
}

export function useDeleteInstruction() {
  return useDeleteResource(KEY, PATH);
}
