import { type FormEvent, type KeyboardEvent, useState } from 'react';
import { Field } from '../../components/Field';
import { PageHeader } from '../../components/Layout';
import { Empty } from '../../components/states';
import { useT } from '../../lib/i18n';
import { DataSourceSelect } from '../datasources/DataSourceSelect';
import { AskControls } from './AskControls';
import { isOver } from './askRun';
import { ExampleQuestions } from './ExampleQuestions';
import { RunView } from './RunView';
import { type SocketFactory, useAskSocket } from './useAskSocket';

/** Ask a question as a user would and watch every stage stream in. */
export function PlaygroundPage({ createSocket }: { createSocket?: SocketFactory }) {
  const t = useT();
  const { run, ask, stop } = useAskSocket(createSocket);
  const [question, setQuestion] = useState('');
  const [datasource, setDatasource] = useState('');
  const [error, setError] = useState<string | undefined>();
  const running = run !== null && !isOver(run);

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    // One ask at a time: a second submit while one runs would start a second ask.
    if (running) return;
    if (!question.trim()) {
      setError(t('Type a question first.'));
      return;
    }
    setError(undefined);
    ask(question.trim(), datasource);
  };
  /** A follow-up chip or an example: it becomes the question, and is asked. */
  const askQuestion = (next: string) => {
    setQuestion(next);
    setError(undefined);
    ask(next, datasource);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // Enter asks, as in chat; Shift+Enter adds a line; IME composition (Chinese input) is left alone.
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      if (!running) submit();
    }
  };

  return (
    <>
      <PageHeader
        title={t('Playground')}
        description={t('Ask a question and watch Quarry understand it, write SQL and run it.')}
      />
      <form className="card ask-form" onSubmit={submit} noValidate>
        <Field
          label={t('Question')}
          hint={t('Enter to ask, Shift+Enter for a new line.')}
          error={error}
        >
          {(control) => (
            <textarea
              {...control}
              className="input ask-input"
              rows={2}
              value={question}
              placeholder={t('e.g. How many employees does each department have?')}
              onChange={(event) => {
                setQuestion(event.target.value);
                setError(undefined);
              }}
              onKeyDown={onKeyDown}
            />
          )}
        </Field>
        <div className="ask-actions">
          <Field label={t('Data source')}>
            {(control) => (
              <DataSourceSelect
                control={control}
                value={datasource}
                onChange={setDatasource}
                allowEmpty
              />
            )}
          </Field>
          <AskControls running={running} onStop={stop} />
        </div>
      </form>
      {run ? (
        <RunView run={run} onAsk={askQuestion} />
      ) : (
        <>
          <ExampleQuestions datasource={datasource} onAsk={askQuestion} />
          <Empty title={t('Nothing asked yet.')}>
            <p>
              {t(
                'The stages, the model’s reasoning, the SQL and the rows appear here as they arrive.',
              )}
            </p>
          </Empty>
        </>
      )}
    </>
  );
}
