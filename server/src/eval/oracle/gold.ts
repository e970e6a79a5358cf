import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { CellValue } from '@quarry/shared';
import mysql from 'mysql2/promise';
import { toCell } from '../../datasources/cells.js';

/** A gold query's result as its engine returned it: column names in order, positional rows. */
export interface GoldResult {
  columns: string[];
  rows: CellValue[][];
}

/**
 * Runs gold SQL on a path independent of Quarry's data sources, the reference the oracle
 * compares Quarry's answers against. `run` rejects when the engine does not accept the query
 * (the question is then skipped: its gold is not executable there).
 */
export interface GoldEngine {
  /** How the gold side is named in reports, e.g. "sqlite3 shell (Python sqlite3, SQLite 3.40.1)". */
  readonly description: string;
  /**
   * True when the engine returns exact decimals as text that Quarry's driver hands over as
   * numbers (MySQL DECIMAL): such a cell matches a number that spells the same value.
   */
  readonly decimalsAsText: boolean;
  run(db: string, sql: string): Promise<GoldResult>;
  /**
   * Runs the gold SQL again the way another client would (a new connection), to tell a wrong
   * answer from one the engine itself does not determine (ties under ORDER BY … LIMIT).
   */
  rerun(db: string, sql: string): Promise<GoldResult>;
  /** Lets go of what `run` holds open for one database (it is about to be dropped). */
  release(db: string): Promise<void>;
  close(): Promise<void>;
}

type WireCell = CellValue | { $int: string } | { $float: string } | { $bytes: string };

function fromWire(cell: WireCell): CellValue {
  if (cell === null || typeof cell !== 'object') return cell;
  if ('$int' in cell) return cell.$int;
  // As Quarry spells a non-finite number: String(Infinity).
  if ('$float' in cell) return String(Number(cell.$float.replace('inf', 'Infinity')));
  return toCell(Buffer.from(cell.$bytes, 'hex'));
}

/**
 * The SQLite gold side: `sqlite_shell.py` in one python3 process, which reads each database
 * through the system libsqlite3 exactly as the sqlite3 shell does (legacy double-quoted strings
 * on). `pathOf` maps a database name to its file.
 */
export async function startSqliteShellGold(pathOf: (db: string) => string): Promise<GoldEngine> {
  const child: ChildProcessWithoutNullStreams = spawn(
    'python3',
    [join(import.meta.dirname, 'sqlite_shell.py')],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (data: Buffer) => {
    stderr += data.toString();
  });
  const waiting: Array<{ resolve: (line: string) => void; reject: (error: Error) => void }> = [];
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => waiting.shift()?.resolve(line));
  const gone = new Promise<never>((_, reject) => {
    const fail = (why: string) => {
      const error = new Error(`the SQLite gold runner (python3) ${why}: ${stderr.trim()}`);
      for (const entry of waiting.splice(0)) entry.reject(error);
      reject(error);
    };
    child.once('error', (error) => fail(`could not start (${error.message})`));
    child.once('exit', (code) => fail(`exited with code ${code}`));
  });
  gone.catch(() => undefined);
  let queue = Promise.resolve();
  const ask = (request: object) =>
    new Promise<string>((resolve, reject) => {
      waiting.push({ resolve, reject });
      child.stdin.write(`${JSON.stringify(request)}\n`);
    });
  const version = JSON.parse(
    await Promise.race([ask({ db: ':memory:', sql: 'SELECT sqlite_version()' }), gone]),
  ) as { rows: [[string]] };
  const engine: GoldEngine = {
    description: `sqlite3 shell semantics (Python sqlite3 on the system libsqlite3 ${version.rows[0][0]})`,
    decimalsAsText: false,
    run(db, sql) {
      // One request at a time: replies come back in order on one pipe.
      const reply = queue.then(() => ask({ db: pathOf(db), sql }));
      queue = reply.then(
        () => undefined,
        () => undefined,
      );
      return reply.then((line) => {
        const parsed = JSON.parse(line) as
          | { ok: true; columns: string[]; rows: WireCell[][] }
          | { ok: false; error: string };
        if (!parsed.ok) throw new Error(parsed.error);
        return { columns: parsed.columns, rows: parsed.rows.map((row) => row.map(fromWire)) };
      });
    },
    // One SQLite build over one file answers the same every time.
    rerun: (db, sql) => engine.run(db, sql),
    release: async () => undefined,
    async close() {
      child.stdin.end();
      if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
    },
  };
  return engine;
}

/**
 * A gold side on a database server: one connection per Spider database, opened on first use
 * and kept, and a fresh one for each `rerun` (another client, as the tie check needs).
 */
export function serverGold<Connection extends { end(): Promise<void> }>(gold: {
  description: string;
  open(db: string): Promise<Connection>;
  query(connection: Connection, sql: string): Promise<GoldResult>;
}): GoldEngine {
  const connections = new Map<string, Promise<Connection>>();
  const connection = (db: string) => {
    let opened = connections.get(db);
    if (!opened) {
      opened = gold.open(db);
      connections.set(db, opened);
    }
    return opened;
  };
  return {
    description: gold.description,
    decimalsAsText: true,
    async run(db, sql) {
      return gold.query(await connection(db), sql);
    },
    async rerun(db, sql) {
      const fresh = await gold.open(db);
      try {
        return await gold.query(fresh, sql);
      } finally {
        await fresh.end();
      }
    },
    async release(db) {
      const opened = connections.get(db);
      connections.delete(db);
      await (await opened?.catch(() => null))?.end();
    },
    async close() {
      await Promise.all(
        [...connections.values()].map(async (opened) => (await opened.catch(() => null))?.end()),
      );
    },
  };
}

/**
 * The MariaDB/MySQL gold side: the gold SQL on a plain mysql2 connection as the loading user,
 * with the server's own settings (none of Quarry's session limits or read-only mode), every
 * value in the text the server sent (decimals, big integers, dates). `urlOf` gives the
 * `mysql://…/db` URL of a database.
 */
export function createMysqlGold(urlOf: (db: string) => string, version: string): GoldEngine {
  return serverGold({
    description: `MariaDB ${version} itself (mysql2, the server's own settings)`,
    open: (db) =>
      mysql.createConnection({
        uri: urlOf(db),
        charset: 'utf8mb4',
        dateStrings: true,
        supportBigNumbers: true,
        bigNumberStrings: true,
        decimalNumbers: false,
      }),
    async query(connection, sql) {
      const [rows, fields] = await connection.query({ sql, rowsAsArray: true });
      if (!Array.isArray(rows)) throw new Error('the gold SQL is not a query');
      return {
        columns: (fields ?? []).map((field) => field.name),
        rows: (rows as unknown[][]).map((row) => row.map(toCell)),
      };
    },
  });
}
