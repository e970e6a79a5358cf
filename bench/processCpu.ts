import { readFileSync } from 'node:fs';

/**
 * Nanoseconds the process's main thread (Node's event loop) has run, from /proc/<pid>/schedstat:
 * exact, unlike /proc/<pid>/stat's 10 ms clock ticks, so one ask's share can be read. Threads
 * other than the main one (GC helpers, libuv's pool) are left out.
 */
export function mainThreadCpuNs(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);
}
