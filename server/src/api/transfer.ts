import type { ImportRowError, TransferFormat } from '@quarry/shared';
import { transferFormatSchema } from '@quarry/shared';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { Request, Response } from 'express';
import type { z } from 'zod';
import { badRequest, fieldErrors, fieldReasons, parseWith } from '../http/body.js';
import type { ImportRow } from '../knowledge/port.js';

/** Rows of an import file, each already validated, plus the rows that were not. */
export interface ParsedImport<I> {
  rows: ImportRow<I>[];
  errors: ImportRowError[];
}

/** `?format=` wins; otherwise a JSON content type means JSON and anything else CSV. */
export function requestFormat(request: Request): TransferFormat {
  const explicit = request.query.format;
  if (explicit !== undefined) {
    return parseWith(transferFormatSchema, explicit, 'format parameter');
  }
  return request.is('application/json') ? 'json' : 'csv';
}

/**
 * Reads an import body (CSV with a header row, or a JSON array of objects) and validates each
 * row on its own, so one bad row is reported and the others are kept. `columns` are the
 * names the CSV header must (required) or may contain.
 */
export function readImport<S extends z.ZodType>(
  request: Request,
  schema: S,
  columns: { required: string[]; optional: string[] },
): ParsedImport<z.infer<S>> {
  const format = requestFormat(request);
  const records = format === 'json' ? jsonRecords(request.body) : csvRecords(request.body, columns);
  const result: ParsedImport<z.infer<S>> = { rows: [], errors: [...records.errors] };
  for (const { row, record } of records.rows) {
    const parsed = schema.safeParse(record);
    if (parsed.success) {
      result.rows.push({ row, input: parsed.data });
      continue;
    }
    const reasons = fieldReasons(parsed.error);
    for (const [field, message] of Object.entries(fieldErrors(parsed.error))) {
      const reason = reasons[field];
      result.errors.push({ row, field, message, ...(reason ? { reason } : {}) });
    }
  }
  if (result.rows.length === 0 && result.errors.length === 0) {
    throw badRequest('The file has no rows to import.', { body: 'must contain at least one row' });
  }
  return result;
}

interface RawRecords {
  rows: Array<{ row: number; record: unknown }>;
  errors: ImportRowError[];
}

function jsonRecords(body: unknown): RawRecords {
  let value = body;
  if (typeof value === 'string' || Buffer.isBuffer(value)) {
    try {
      value = JSON.parse(String(value));
    } catch {
      throw badRequest('The file is not valid JSON.', { body: 'must be a JSON array of objects' });
    }
  }
  const items = Array.isArray(value) ? value : (value as { items?: unknown } | null)?.items;
  if (!Array.isArray(items)) {
    throw badRequest('A JSON import must be an array of objects.', {
      body: 'must be a JSON array of objects',
    });
  }
  return { rows: items.map((record, index) => ({ row: index + 1, record })), errors: [] };
}

function csvRecords(
  body: unknown,
  columns: { required: string[]; optional: string[] },
): RawRecords {
  if (typeof body !== 'string' && !Buffer.isBuffer(body)) {
    throw badRequest('Send the CSV file as the request body with Content-Type: text/csv.', {
      body: 'must be CSV text',
    });
  }
  // Records and unreadable rows arrive in file order; numbering both from one counter keeps
  // every reported row number equal to the row's position in the file.
  const sequence: Array<{ values: string[]; line: number } | { error: string; line: number }> = [];
  parse(body, {
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_record: (values: string[], context) => {
      sequence.push({ values, line: context.lines });
      return null;
    },
    on_skip: (error) => {
      const line = Number(error?.lines ?? 0);
      const previous = sequence.at(-1);
      // The parser may report one broken row more than once while it resynchronises.
      if (previous && 'error' in previous && previous.line === line) return undefined;
      sequence.push({ error: error?.message ?? 'unreadable row', line });
      return undefined;
    },
  });
  const [header, ...data] = sequence;
  if (!header || !('values' in header)) {
    throw badRequest('The CSV file must start with a header row.', {
      header: `must name the columns ${columns.required.join(',')}`,
    });
  }
  const names = header.values.map((name) => name.trim().toLowerCase());
  const missing = columns.required.filter((name) => !names.includes(name));
  if (missing.length > 0) {
    throw badRequest(
      `The CSV header must name the columns ${columns.required.join(',')}; ${missing.join(', ')} is missing.`,
      { header: `missing ${missing.join(', ')}` },
    );
  }
  const known = new Set([...columns.required, ...columns.optional]);
  const result: RawRecords = { rows: [], errors: [] };
  data.forEach((entry, index) => {
    const row = index + 1;
    if ('error' in entry) {
      result.errors.push({
        row,
        message: `Line ${entry.line} could not be read: ${entry.error}`,
        reason: { code: 'unreadable_row', params: { line: entry.line } },
      });
      return;
    }
    if (entry.values.length > names.length) {
      result.errors.push({
        row,
        message: `Line ${entry.line} has ${entry.values.length} values but the header names ${names.length} columns; quote values that contain commas.`,
        reason: { code: 'too_many_values', params: { line: entry.line } },
      });
      return;
    }
    // An empty cell of a required column is an empty value (reported as such); an empty
    // optional cell means "use the default".
    const record: Record<string, string> = {};
    names.forEach((name, column) => {
      const value = entry.values[column] ?? '';
      if (columns.required.includes(name) || (known.has(name) && value !== ''))
        record[name] = value;
    });
    result.rows.push({ row, record });
  });
  return result;
}

/** Sends rows as a CSV (header from `columns`) or JSON attachment named `<name>.<format>`. */
export function sendExport(
  response: Response,
  format: TransferFormat,
  name: string,
  columns: string[],
  rows: Array<Record<string, unknown>>,
): void {
  const picked = rows.map((row) =>
    Object.fromEntries(
      columns.map((column) => {
        const value = row[column];
        // A list (a dictionary entry's columns) is one space-separated cell in CSV.
        return [column, format === 'csv' && Array.isArray(value) ? value.join(' ') : value];
      }),
    ),
  );
  response.setHeader('Content-Disposition', `attachment; filename="${name}.${format}"`);
  if (format === 'json') {
    response.json(picked);
    return;
  }
  response
    .type('text/csv; charset=utf-8')
    .send(stringify(picked, { header: true, columns, bom: false, quoted_string: true }));
}
