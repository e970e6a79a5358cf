import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';

/**
 * A MariaDB server of the test's own, on a free loopback port with its data in a temp dir, so
 * a test can stop and restart it. The machine's shared server on 3306 is never touched: other
 * test files run against it in parallel.
 */
export interface PrivateMariaDb {
  port: number;
  /** `mysql://<user>[:<password>]@127.0.0.1:<port>/<database>`; root without a password by default. */
  url(database: string, user?: { name: string; password: string }): string;
  /** Runs SQL as root (several statements allowed), in `database` when given. */
  query(sql: string, database?: string): Promise<unknown>;
  /** Shuts the server down (SIGTERM) and waits until it has exited. */
  stop(): Promise<void>;
  /**
   * Starts it again on the same data directory and port, and waits until it accepts clients;
   * nothing to do when it runs.
   */
  start(): Promise<void>;
  /** Stops it and removes its data directory. */
  destroy(): Promise<void>;
}

const run = promisify(execFile);
const READY_WITHIN_MS = 30_000;
const EXIT_WITHIN_MS = 30_000;

export async function startPrivateMariaDb(): Promise<PrivateMariaDb> {
  const dir = await mkdtemp(join(tmpdir(), 'quarry-mariadb-'));
  const datadir = join(dir, 'data');
  // mariadbd refuses to run as root unless told to; as anyone else the flag is not needed.
  const asUser = process.getuid?.() === 0 ? ['--user=root'] : [];
  // A private tmpdir too: servers installed in parallel must not share temporary files.
  const common = [
    '--no-defaults',
    `--datadir=${datadir}`,
    `--tmpdir=${dir}`,
    '--innodb-log-file-size=8M',
    ...asUser,
  ];
  try {
    await run('mariadb-install-db', [
      ...common,
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
    ]);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  let port = await freePort();
  let child: ChildProcess | undefined;
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);

  async function start(): Promise<void> {
    if (child && child.exitCode === null) return;
    const server = spawn(
      'mariadbd',
      [
        ...common,
        `--port=${port}`,
        '--bind-address=127.0.0.1',
        `--socket=${join(dir, 'mariadb.sock')}`,
        `--pid-file=${join(dir, 'mariadb.pid')}`,
        `--log-error=${join(dir, 'error.log')}`,
        '--innodb-buffer-pool-size=32M',
        '--skip-log-bin',
        // As the machine's server is set up: Chinese demo data needs utf8mb4.
        '--character-set-server=utf8mb4',
        '--collation-server=utf8mb4_unicode_ci',
      ],
      { stdio: 'ignore' },
    );
    child = server;
    const deadline = Date.now() + READY_WITHIN_MS;
    for (;;) {
      if (server.exitCode !== null || Date.now() > deadline) {
        const log = await readFile(join(dir, 'error.log'), 'utf8').catch(() => '');
        server.kill('SIGKILL');
        throw new Error(`the private MariaDB did not start on port ${port}:\n${log.slice(-2000)}`);
      }
      try {
        const connection = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root' });
        await connection.end();
        return;
      } catch {
        await new Promise((done) => setTimeout(done, 100));
      }
    }
  }

  async function stop(): Promise<void> {
    const server = child;
    child = undefined;
    if (!server || server.exitCode !== null) return;
    const exited = once(server, 'exit');
    server.kill('SIGTERM');
    const timer = setTimeout(() => server.kill('SIGKILL'), EXIT_WITHIN_MS);
    await exited;
    clearTimeout(timer);
  }

  for (let attempt = 1; ; attempt += 1) {
    try {
      await start();
      break;
    } catch (error) {
      // Another process can take the free port between our look and mariadbd's bind: try another.
      if (attempt < 3 && String(error).includes('Address already in use')) {
        port = await freePort();
        continue;
      }
      process.off('exit', killOnExit);
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }
  return {
    port,
    url(database, user) {
      const who = user
        ? `${encodeURIComponent(user.name)}:${encodeURIComponent(user.password)}`
        : 'root';
      return `mysql://${who}@127.0.0.1:${port}/${database}`;
    },
    async query(sql, database) {
      const connection = await mysql.createConnection({
        host: '127.0.0.1',
        port,
        user: 'root',
        charset: 'utf8mb4',
        multipleStatements: true,
        ...(database ? { database } : {}),
      });
      try {
        const [result] = await connection.query(sql);
        return result;
      } finally {
        await connection.end();
      }
    },
    stop,
    start,
    async destroy() {
      await stop();
      process.off('exit', killOnExit);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}
