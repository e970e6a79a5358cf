import type { ReactNode } from 'react';
import { Empty, QueryState } from '../../components/states';

/**
 * One part of the semantic layer: its heading with the button that adds one, what it is for,
 * then its items as a card list named by the title (`item` renders each card), or `emptyTitle`
 * while there are none. `more` follows the items.
 */
export function SemanticSection<T>({
  id,
  title,
  newLabel,
  onNew,
  about,
  query,
  emptyTitle,
  item,
  more,
}: {
  /** Names the heading, so the section is labelled by it. */
  id: string;
  title: string;
  newLabel: string;
  onNew: () => void;
  about: string;
  query: { isPending: boolean; error: unknown; data: T[] | undefined; refetch: () => unknown };
  emptyTitle: string;
  /** One item's card, a `<li>` with its key. */
  item: (item: T) => ReactNode;
  more?: ReactNode;
}) {
  return (
    <section className="semantic-section" aria-labelledby={`${id}-title`}>
      <div className="section-head">
        <h2 id={`${id}-title`}>{title}</h2>
        <button type="button" className="button" onClick={onNew}>
          {newLabel}
        </button>
      </div>
      <p className="muted small">{about}</p>
      <QueryState query={query}>
        {(items) =>
          items.length === 0 ? (
            <Empty title={emptyTitle} />
          ) : (
            <ul className="card-list" aria-label={title}>
              {items.map(item)}
            </ul>
          )
        }
      </QueryState>
      {more}
    </section>
  );
}
