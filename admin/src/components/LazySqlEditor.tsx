import { lazy, Suspense } from 'react';
import type { SqlEditorProps } from './SqlEditor';

// CodeMirror is most of the bundle; pages without SQL load without it.
const SqlEditor = lazy(() => import('./SqlEditor'));

/** The SQL editor, loaded on first use; until then the SQL shows as plain text. */
export function LazySqlEditor(props: SqlEditorProps) {
  return (
    <Suspense fallback={<pre className="sql-fallback">{props.value || props.placeholder}</pre>}>
      <SqlEditor {...props} />
    </Suspense>
  );
}
