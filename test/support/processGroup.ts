import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';

/**
 * Spawns `command` as the leader of a process group of its own. `npm start` runs a shell that
 * runs tsx that runs node: signalling npm alone leaves the server running, signalling the group
 * (`endGroup`) reaches every process it started.
 */
export function spawnGroup(
  command: string,
  args: readonly string[],
  options: SpawnOptions,
): ChildProcess {
  return spawn(command, args, { ...options, detached: true });
}

/** Whether any process of group `pgid` is left (a zombie waiting to be reaped counts). */
function groupLeft(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Waits up to `ms` for group `pgid` to be gone; whether it is. */
async function goneWithin(pgid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (groupLeft(pgid)) {
    if (Date.now() > deadline) return false;
    await new Promise((done) => setTimeout(done, 50));
  }
  return true;
}

/**
 * Ends every process in the group `child` leads, whether or not the leader itself is still
 * there: SIGTERM, then SIGKILL for whatever is left after `graceMs`. A process that outlives
 * SIGKILL is a zombie its reaper has not collected yet: after a further `graceMs` it is left to
 * its reaper rather than failing the cleanup.
 */
export async function endGroup(child: ChildProcess, graceMs = 5_000): Promise<void> {
  const pgid = child.pid;
  if (pgid === undefined) return;
  signalGroup(pgid, 'SIGTERM');
  if (await goneWithin(pgid, graceMs)) return;
  signalGroup(pgid, 'SIGKILL');
  await goneWithin(pgid, graceMs);
}
