import { connect, type Socket } from 'node:net';
import mysql, { type Connection, type ConnectionOptions } from 'mysql2';

/** One open connection of a MysqlConnectionPool, lent to one caller at a time. */
export interface PooledMysqlConnection {
  readonly connection: Connection;
  /** Hands it back for reuse; only when nothing runs on it any more. */
  release(): void;
  /**
   * Closes the socket at once. Unread data makes the close a reset, so a server thread
   * blocked writing rows to us fails its write and ends instead of waiting for
   * `net_write_timeout` (mysql2's own `destroy` only half-closes the socket).
   */
  destroy(): void;
}

/**
 * A pool of MySQL/MariaDB connections with a hard size: a connection counts from the moment
 * its socket is opened until that socket has closed, so connections being torn down still
 * count and the server never holds more of ours than `size`. Idle connections close after
 * `idleMs`. Callers waiting for a connection are served in order and may give up (`signal`).
 * Promises nothing about the connections' session state: callers set what they need.
 */
export interface MysqlConnectionPool {
  acquire(signal?: AbortSignal): Promise<PooledMysqlConnection>;
  /** Open sockets now (lent, idle or still connecting). */
  openCount(): number;
  /** Closes every connection (failing what runs on them) and refuses further acquires. */
  close(): Promise<void>;
}

export interface MysqlPoolLimits {
  size: number;
  idleMs: number;
}

interface Entry extends PooledMysqlConnection {
  socket: Socket;
  idleTimer?: NodeJS.Timeout;
}

interface Waiter {
  deliver(entry: Entry): void;
  fail(error: unknown): void;
}

export class PoolClosedError extends Error {
  constructor() {
    super('the connection pool was closed');
  }
}

/** `options` must name `host` and `port`; the pool opens the sockets itself. */
export function createMysqlConnectionPool(
  options: ConnectionOptions & { host: string; port: number },
  limits: MysqlPoolLimits,
): MysqlConnectionPool {
  const size = Math.max(1, Math.floor(limits.size));
  const idle: Entry[] = [];
  const waiters: Waiter[] = [];
  const sockets = new Set<Socket>();
  const socketClosed = new Set<Promise<void>>();
  let closed = false;

  function takeIdle(entry: Entry): void {
    const index = idle.indexOf(entry);
    if (index >= 0) idle.splice(index, 1);
    clearTimeout(entry.idleTimer);
    entry.idleTimer = undefined;
  }

  function release(entry: Entry): void {
    if (closed || entry.socket.destroyed) {
      entry.destroy();
      return;
    }
    const waiter = waiters.shift();
    if (waiter) {
      waiter.deliver(entry);
      return;
    }
    // Most recently used last and lent first, so the others reach their idle time-out.
    idle.push(entry);
    entry.idleTimer = setTimeout(() => {
      takeIdle(entry);
      entry.destroy();
    }, limits.idleMs);
    entry.idleTimer.unref();
  }

  function open(waiter: Waiter): void {
    const socket = connect({ host: options.host, port: options.port });
    socket.setNoDelay(true);
    sockets.add(socket);
    const entry: Entry = {
      socket,
      connection: mysql.createConnection({ ...options, stream: socket }),
      release: () => release(entry),
      destroy: () => socket.destroy(),
    };
    // A fatal error reaches the command that runs; an idle connection just closes.
    entry.connection.on('error', () => undefined);
    const gone: Promise<void> = new Promise((done) => {
      socket.once('close', () => {
        sockets.delete(socket);
        socketClosed.delete(gone);
        takeIdle(entry);
        done();
        serve();
      });
    });
    socketClosed.add(gone);
    entry.connection.connect((error) => {
      if (error) {
        socket.destroy();
        waiter.fail(error);
      } else {
        waiter.deliver(entry);
      }
    });
  }

  /** Lends idle connections and opens new ones while callers wait and the size allows. */
  function serve(): void {
    while (!closed && waiters.length > 0) {
      const reusable = idle.pop();
      if (reusable) {
        takeIdle(reusable);
        waiters.shift()?.deliver(reusable);
      } else if (sockets.size < size) {
        open(waiters.shift() as Waiter);
      } else {
        return;
      }
    }
  }

  return {
    acquire(signal) {
      return new Promise<PooledMysqlConnection>((resolve, reject) => {
        if (closed) {
          reject(new PoolClosedError());
          return;
        }
        if (signal?.aborted) {
          reject(signal.reason);
          return;
        }
        let settled = false;
        const onAbort = () => {
          const index = waiters.indexOf(waiter);
          if (index >= 0) waiters.splice(index, 1);
          settle(() => reject(signal?.reason));
        };
        const settle = (action: () => void) => {
          if (settled) return false;
          settled = true;
          signal?.removeEventListener('abort', onAbort);
          action();
          return true;
        };
        const waiter: Waiter = {
          // A connection that arrives for a caller who gave up goes to the next one.
          deliver: (entry) => {
            if (!settle(() => resolve(entry))) release(entry);
          },
          fail: (error) => {
            settle(() => reject(error));
            serve();
          },
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        waiters.push(waiter);
        serve();
      });
    },

    openCount: () => sockets.size,

    async close() {
      if (closed) return;
      closed = true;
      for (const waiter of waiters.splice(0)) waiter.fail(new PoolClosedError());
      for (const socket of sockets) socket.destroy();
      await Promise.all(socketClosed);
    },
  };
}
