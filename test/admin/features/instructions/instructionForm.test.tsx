// @vitest-environment jsdom
import type { Instruction } from '@quarry/shared';
import { screen, waitFor } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { InstructionForm } from '../../../../admin/src/features/instructions/InstructionForm.js';
import { fakeApi, renderConsole } from '../../support/harness.js';

const stored: Instruction = {
  id: 3,
  text: 'Revenue means amount minus refunds.',
  scope: 'matched',
  questions: ['What was revenue last month?', 'Revenue by region'],
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
};

describe('instruction form', () => {
  it('needs example questions for a matched instruction', async () => {
    const server = fakeApi({});
    renderConsole(<InstructionForm onSaved={() => undefined} onCancel={() => undefined} />, {
      fetch: server.fetch,
    });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Instruction'), 'Use fiscal years.');
    // Global by default: no question box until the scope asks for one.
    expect(screen.queryByLabelText('Example questions')).toBeNull();
    await user.click(screen.getByLabelText('Questions like these examples'));
    await user.click(screen.getByRole('button', { name: 'Save' }));

    expect(
      await screen.findByText('a "matched" instruction needs at least one question it applies to'),
    ).toBeTruthy();
    expect(server.requests).toHaveLength(0);
  });

  it('sends one question per non-empty line', async () => {
    const server = fakeApi({
      'POST /api/instructions': (request) => ({
        status: 201,
        body: { ...stored, ...(request.body as object) },
      }),
    });
    const onSaved = vi.fn();
    renderConsole(<InstructionForm onSaved={onSaved} onCancel={() => undefined} />, {
      fetch: server.fetch,
    });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Instruction'), 'Use fiscal years.');
    await user.click(screen.getByLabelText('Questions like these examples'));
    await user.type(
      screen.getByLabelText('Example questions'),
      'Sales this year?{Enter}{Enter}  Budget by year  ',
    );
    await user.click(screen.getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(server.sent('POST /api/instructions')[0]?.body).toEqual({
      text: 'Use fiscal years.',
      scope: 'matched',
      questions: ['Sales this year?', 'Budget by year'],
    });
  });

  it('edits a stored instruction; switching to global drops its questions', async () => {
    const server = fakeApi({ 'PUT /api/instructions/3': { body: stored } });
    const onSaved = vi.fn();
    renderConsole(
      <InstructionForm instruction={stored} onSaved={onSaved} onCancel={() => undefined} />,
      {
        fetch: server.fetch,
      },
    );
    const user = userEvent.setup();
    expect((screen.getByLabelText('Example questions') as HTMLTextAreaElement).value).toBe(
      'What was revenue last month?\nRevenue by region',
    );
    await user.click(screen.getByLabelText('Every question'));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(server.sent('PUT /api/instructions/3')[0]?.body).toEqual({
      text: stored.text,
      scope: 'global',
      questions: [],
    });
  });

  it('shows a server message about a nested field next to that field', async () => {
    const server = fakeApi({
      'PUT /api/instructions/3': {
        status: 400,
        body: {
          error: {
            code: 'BAD_REQUEST',
            message: 'The request body is invalid.',
            fields: { 'questions.1': 'each question must be at most 500 characters' },
          },
        },
      },
    });
    renderConsole(
      <InstructionForm instruction={stored} onSaved={() => undefined} onCancel={() => undefined} />,
      {
        fetch: server.fetch,
      },
    );
    await userEvent.setup().click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('each question must be at most 500 characters')).toBeTruthy();
    expect(screen.getByLabelText('Example questions').getAttribute('aria-invalid')).toBe('true');
  });
});
