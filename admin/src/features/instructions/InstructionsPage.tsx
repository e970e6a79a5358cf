import type { Instruction } from '@quarry/shared';
import { useState } from 'react';
import { PageHeader } from '../../components/Layout';
import { SearchBox } from '../../components/ListControls';
import { ConfirmDelete, Modal } from '../../components/Modal';
import { PagedList } from '../../components/PagedTable';
import { RowActions } from '../../components/RowActions';
import { Empty } from '../../components/states';
import { useT } from '../../lib/i18n';
import { useNotify } from '../../lib/notify';
import { useConfirmedDelete } from '../../lib/resources';
import { useListParams } from '../../lib/useListParams';
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
        <SearchBox label={t('Search instructions')} {...list.search} />
      </div>
      <PagedList
        query={instructions}
        onPage={list.setPage}
        empty={
          <Empty
            title={
              list.q ? t('No instruction matches “{q}”.', { q: list.q }) : t('No instructions yet.')
            }
          />
        }
      >
        {(items) => (
          <ul className="card-list" aria-busy={instructions.isFetching}>
            {items.map((instruction) => (
              <li key={instruction.id} className="card">
                <div className="card-head">
                  <span className={`badge badge-${instruction.scope}`}>
                    {instruction.scope === 'global' ? t('Every question') : t('Matched')}
                  </span>
                  <RowActions
                    edit={() => setEditing({ instruction })}
                    onDelete={() => removal.ask(instruction)}
                  />
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
        )}
      </PagedList>
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
      <ConfirmDelete
        removal={removal}
        title={t('Delete this instruction?')}
        message={(instruction) => <p className="prewrap">{instruction.text}</p>}
      />
    </>
  );
}
