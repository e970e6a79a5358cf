// @vitest-environment jsdom
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Problem } from '../../../../admin/src/features/semantics/Problem.js';
import { fakeApi, renderConsole } from '../../support/harness.js';

const flagged = {
  problem: "The metric's SQL does not run on data source office: no such column: floor",
  problem_reason: {
    code: 'sql_does_not_run' as const,
    params: { datasource: 'office', detail: 'no such column: floor' },
  },
};

describe('a definition the schema broke', () => {
  it('says what is wrong in Chinese, the database’s words folded beneath', () => {
    renderConsole(<Problem definition={flagged} />, { fetch: fakeApi({}).fetch, locale: 'zh' });
    const note = screen.getByRole('note');
    expect(note.textContent).toBe('提问时不使用 这条 SQL 无法在数据源“office”上运行。');
    expect(document.querySelector('details.error-detail code')?.textContent).toBe(
      'no such column: floor',
    );
  });

  it('says it in English in the English console', () => {
    renderConsole(<Problem definition={flagged} />, { fetch: fakeApi({}).fetch });
    expect(screen.getByRole('note').textContent).toBe(
      'Not used by asks This SQL does not run on data source "office".',
    );
  });

  it('shows a problem stored before reasons were kept as it was stored', () => {
    renderConsole(
      <Problem definition={{ problem: 'There is no table teams.', problem_reason: null }} />,
      { fetch: fakeApi({}).fetch },
    );
    expect(screen.getByRole('note').textContent).toBe('Not used by asks There is no table teams.');
  });
});
