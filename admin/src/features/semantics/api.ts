import type {
  CalculatedField,
  CalculatedFieldInput,
  Metric,
  MetricInput,
  Relationship,
  RelationshipInput,
} from '@quarry/shared';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useApi } from '../../lib/providers';
import { useAllQuery, useDeleteResource, useSaveResource } from '../../lib/resources';
import type { PreviewResult } from '../datasources/api';

/** Everything of one data source's semantic layer is cached under this key. */
const keyOf = (datasource: string) => ['semantics', datasource] as const;
const pathOf = (datasource: string, kind: string) =>
  `/api/datasources/${encodeURIComponent(datasource)}/${kind}`;

/** A data source has few definitions: the page shows them all. */
const useAll = <T>(datasource: string, kind: string) =>
  useAllQuery<T>([...keyOf(datasource), kind], pathOf(datasource, kind));

export const useRelationships = (datasource: string) =>
  useAll<Relationship>(datasource, 'relationships');
export const useCalculatedFields = (datasource: string) =>
  useAll<CalculatedField>(datasource, 'calculated-fields');
export const useMetrics = (datasource: string) => useAll<Metric>(datasource, 'metrics');

export function useRelationshipSuggestions(datasource: string) {
  const api = useApi();
  return useQuery({
    queryKey: [...keyOf(datasource), 'suggestions'],
    queryFn: () =>
      api.get<{ items: RelationshipInput[] }>(`${pathOf(datasource, 'relationships')}/suggestions`),
    select: (answer) => answer.items,
  });
}

export const useSaveRelationship = (datasource: string) =>
  useSaveResource<RelationshipInput, Relationship>(
    keyOf(datasource),
    pathOf(datasource, 'relationships'),
  );
export const useSaveCalculatedField = (datasource: string) =>
  useSaveResource<CalculatedFieldInput, CalculatedField>(
    keyOf(datasource),
    pathOf(datasource, 'calculated-fields'),
  );
export const useSaveMetric = (datasource: string) =>
  useSaveResource<MetricInput, Metric>(keyOf(datasource), pathOf(datasource, 'metrics'));

export const useDeleteDefinition = (datasource: string, kind: string) =>
  useDeleteResource(keyOf(datasource), pathOf(datasource, kind));

/** Runs a definition as it would be saved and returns its first rows; nothing is stored. */
export function usePreviewDefinition(datasource: string, kind: 'calculated-fields' | 'metrics') {
  const api = useApi();
  return useMutation({
    mutationFn: (body: Record<string, string>) =>
      api.post<PreviewResult>(`${pathOf(datasource, kind)}/preview`, body),
    meta: { inlineErrors: true },
  });
}
