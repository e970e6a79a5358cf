import { RunPreview } from '../../components/RunPreview';
import { usePreviewDefinition } from './api';

/**
 * The "run" of a definition editor: runs the calculated field or metric as it would be saved
 * (validated like a save: guard and dry run) and shows its first rows. Nothing is stored.
 */
export function DefinitionPreview({
  datasource,
  kind,
  body,
  ready,
}: {
  datasource: string;
  kind: 'calculated-fields' | 'metrics';
  body: Record<string, string>;
  ready: boolean;
}) {
  const preview = usePreviewDefinition(datasource, kind);
  return <RunPreview preview={preview} run={() => preview.mutate(body)} ready={ready} />;
}
