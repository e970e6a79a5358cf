import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

export interface ForkedServer {
  child: ChildProcess;
  port: number;
  /** Everything it printed (JSON log lines). */
  output(): string;
  /** Resolves once it printed a line matching `pattern`. */
  printed(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** `process.memoryUsage()` of the server, measured after a full GC. */
  memory(): Promise<NodeJS.MemoryUsage>;
  close(): Promise<void>;
}

/** Starts `test/support/childServer.ts` with `env` (contract names) and waits until it listens. */
export async function forkServer(env: Record<string, string>): Promise<ForkedServer> {
  const child = fork(resolve(ROOT, 'test/support/childServer.ts'), [], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx', '--expose-gc'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  const watchers: Array<{ pattern: RegExp; found: (line: string) => void }> = [];
  const onData = (data: Buffer) => {
    output += data.toString();
    for (const watcher of [...watchers]) {
      const line = output.split('\n').find((candidate) => watcher.pattern.test(candidate));
      if (line !== undefined) {
        watchers.splice(watchers.indexOf(watcher), 1);
        watcher.found(line);
      }
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = once(child, 'exit');
  const port = await new Promise<number>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start:\n${output}`)), 60_000);
    child.on('message', (message: { type?: string; port?: number }) => {
      if (message.type !== 'listening') return;
      clearTimeout(timer);
      ready(message.port ?? 0);
    });
    void exited.then(() => {
      clearTimeout(timer);
      fail(new Error(`server exited before listening:\n${output}`));
    });
  });
  return {
    child,
    port,
    output: () => output,
    printed(pattern, timeoutMs = 60_000) {
      return new Promise((found, fail) => {
        const timer = setTimeout(
          () => fail(new Error(`nothing printed matched ${pattern}:\n${output.slice(-4000)}`)),
          timeoutMs,
        );
        const watcher = {
          pattern,
          found: (line: string) => {
            clearTimeout(timer);
            found(line);
          },
        };
        watchers.push(watcher);
        onData(Buffer.alloc(0));
      });
    },
    memory() {
      return new Promise((answer) => {
        const onMessage = (message: { type?: string; memory?: NodeJS.MemoryUsage }) => {
          if (message.type !== 'memory' || !message.memory) return;
          child.off('message', onMessage);
          answer(message.memory);
        };
        child.on('message', onMessage);
        child.send('memory');
      });
    },
    async close() {
      if (child.exitCode !== null) return;
      child.send('close');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
