import { sql } from '@codemirror/lang-sql';
import CodeMirror, { EditorView } from '@uiw/react-codemirror';
import { useMemo } from 'react';

export interface SqlEditorProps {
  value: string;
  onChange?: (value: string) => void;
  readOnly?: boolean;
  /** id of the visible label: the editing surface is a contenteditable, not a labelable input. */
  labelledBy?: string;
  describedBy?: string | undefined;
  invalid?: boolean;
  minHeight?: string;
  placeholder?: string;
}

function prefersDark(): boolean {
  return globalThis.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false;
}

/** A SQL editor with highlighting and completion; read-only it shows generated SQL. */
export default function SqlEditor({
  value,
  onChange,
  readOnly = false,
  labelledBy,
  describedBy,
  invalid = false,
  minHeight = '8rem',
  placeholder,
}: SqlEditorProps) {
  const extensions = useMemo(
    () => [
      sql(),
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({
        ...(labelledBy ? { 'aria-labelledby': labelledBy } : {}),
        ...(describedBy ? { 'aria-describedby': describedBy } : {}),
        'aria-invalid': String(invalid),
        'aria-multiline': 'true',
        'data-testid': 'sql-editor',
      }),
    ],
    [labelledBy, describedBy, invalid],
  );
  return (
    <div
      className={`sql-editor${invalid ? ' sql-editor-invalid' : ''}${readOnly ? ' sql-editor-readonly' : ''}`}
    >
      <CodeMirror
        value={value}
        onChange={onChange}
        readOnly={readOnly}
        editable={!readOnly}
        extensions={extensions}
        theme={prefersDark() ? 'dark' : 'light'}
        minHeight={readOnly ? undefined : minHeight}
        placeholder={placeholder}
        basicSetup={{
          lineNumbers: !readOnly,
          foldGutter: false,
          highlightActiveLine: !readOnly,
          highlightActiveLineGutter: !readOnly,
        }}
        indentWithTab={false}
      />
    </div>
  );
}
