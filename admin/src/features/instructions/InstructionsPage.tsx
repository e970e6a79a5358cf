import type { Instruction } from '@quarry/shared';
import { useState } from 'react';
import { PageHeader } from '../../components/Layout';
import { Pager, SearchBox } from '../../components/ListControls';
import { ConfirmDialog, Modal } from '../../components/Modal';
import { Empty, QueryState } from '../../components/states';
import { useT } from '../../lib/i18n';
import { useNotify } from '../../lib/notify';
import { useConfirmedDelete } from '../../lib/resources';
import { PAGE_SIZE, useListParams } from '../../lib/useListParams';
import { useDeleteInstruction, useInstructions } from './api';
import { InstructionForm } from './InstructionForm';

type Editing = { instruction?: Instruction } | null;

/** Instructions the model follows, global or matched to example questions. */
export function InstructionsPage() {
  const t = useT();
  const notify = useNotify();
  const list = useListParams();
  const instructions = useInstructions({ q: list.q, page: list.page });
  const removal = useConfirmedDelete<Instruction>(
    useDeleteInstruction(),
    t('Instruction deleted.'),
  );
  const [editing, setEditing] = useState<Editing>(null);

  const saved = () => {
    notify('success', t('Instruction saved.'));
    setEditing(null);
  };

  return (
    <>
      <PageHeader
        title={t('Instructions')}
        description={t('Rules the model follows when it writes SQL.')}
        actions={
          <button type="button" className="button button-primary" onClick={() => setEditing({})}>
            {t('New instruction')}
          </button>
        }
      />
      <div className="toolbar">
        <SearchBox
          label={t('Search instructions')}
          value={list.q}
          onChange={(q) => list.set({ q })}
        />
      </div>
      <QueryState query={instructions}>
        {(page) =>
          page.items.length === 0 ? (
            <Empty
              title={
                list.q
                  ? t('No instruction matches “{q}”.', { q: list.q })
                  : t('No instructions yet.')
              }
            />
          ) : (
            <>
              <ul className="card-list" aria-busy={instructions.isFetching}>
                {page.items.map((instruction) => (
                  <li key={instruction.id} className="card">
                    <div className="card-head">
                      <span className={`badge badge-${instruction.scope}`}>
                        {instruction.scope === 'global' ? t('Every question') : t('Matched')}
                      </span>
                      <div className="row-actions">
                        <button
                          type="button"
                          className="button button-small"
                          onClick={() => setEditing({ instruction })}
                        >
                          {t('Edit')}
                        </button>
                        <button
                          type="button"
                          className="button button-small button-danger-quiet"
                          onClick={() => removal.ask(instruction)}
                        >
                          {t('Delete')}
                        </button>
                      </div>
                    </div>
                    <p className="prewrap">{instruction.text}</p>
                    {instruction.questions.length > 0 ? (
                      <ul className="chips" aria-label={t('Example questions')}>
                        {instruction.questions.map((question) => (
                          <li key={question} className="chip">
                            {question}
                          </li>
                        ))}
                      </ul>
                    ) : null}
                  </li>
                ))}
              </ul>
              <Pager
                page={page.page}
                pageSize={page.page_size || PAGE_SIZE}
                total={page.total}
                onPage={(next) => list.set({ page: next })}
              />
            </>
          )
        }
      </QueryState>
      {editing ? (
        <Modal
          title={editing.instruction ? t('Edit instruction') : t('New instruction')}
          onClose={() => setEditing(null)}
        >
          <InstructionForm
            {...(editing.instruction ? { instruction: editing.instruction } : {})}
            onSaved={saved}
            onCancel={() => setEditing(null)}
          />
        </Modal>
      ) : null}
      {removal.deleting ? (
        <ConfirmDialog
          title={t('Delete this instruction?')}
          message={<p className="prewrap">{removal.deleting.text}</p>}
          confirmLabel={t('Delete')}
          busy={removal.busy}
          onConfirm={removal.confirm}
          onCancel={removal.cancel}
        />
      ) : null}
    </>
  );
}
