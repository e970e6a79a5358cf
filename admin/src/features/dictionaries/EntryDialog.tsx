import { type DictionaryEntry, type DictionaryKind, describeReason } from '@quarry/shared';
import { Modal } from '../../components/Modal';
import { useLocale } from '../../lib/i18n';
import { useNotify } from '../../lib/notify';
import { EntryForm } from './EntryForm';

/** Adds an entry, or edits `entry`, in a dialog; says it was saved and what to look at. */
export function EntryDialog({
  kind,
  entry,
  onClose,
}: {
  kind: DictionaryKind;
  entry?: DictionaryEntry | undefined;
  onClose: () => void;
}) {
  const { t, locale } = useLocale();
  const notify = useNotify();
  return (
    <Modal title={entry ? t('Edit entry') : t('Add entry')} onClose={onClose}>
      <EntryForm
        kind={kind}
        {...(entry ? { entry } : {})}
        onSaved={(saved) => {
          notify('success', t('Entry saved.'));
          // Saved anyway: the admin may know better (data still to come), but should see it.
          for (const warning of saved.warnings ?? []) {
            notify('error', describeReason(warning, locale));
          }
          onClose();
        }}
        onCancel={onClose}
      />
    </Modal>
  );
}
