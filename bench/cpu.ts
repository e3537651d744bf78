/**
 * CPU time by process during a phase of the bench (issue 24: a profile of what bounds a measure, not a guess): the
 * user+system ticks of /proc/<pid>/stat, grouped as the API, the worker, the simulators, the bench (this process),
 * PostgreSQL, the Temporal server and the rest. Linux only; elsewhere it reports nothing.
 */
import { readFileSync, readdirSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

function ticksByProcess(): Map<number, { comm: string; ticks: number }> {
  const out = new Map<number, { comm: string; ticks: number }>();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return out;
  }
  for (const p of pids) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat
        .slice(close + 2)
        .split(' ')
        .map(Number);
      // fields[0] is the state (field 3); utime and stime are fields 14 and 15.
      out.set(Number(p), { comm, ticks: fields[11]! + fields[12]! });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Starts counting; the returned function gives the milliseconds of CPU per group since then. */
export function cpuMeter(named: Record<string, number | undefined>): () => Record<string, number> {
  const before = ticksByProcess();
  const groupOf = (pid: number, comm: string) => {
    for (const [name, p] of Object.entries(named)) if (p === pid) return name;
    if (comm.startsWith('postgres')) return 'postgres';
    if (comm.startsWith('temporal')) return 'temporal';
    return 'other';
  };
  return () => {
    const after = ticksByProcess();
    const ms: Record<string, number> = {};
    for (const [pid, a] of after) {
      const spent = a.ticks - (before.get(pid)?.ticks ?? 0);
      if (spent <= 0) continue;
      const g = groupOf(pid, a.comm);
      ms[g] = (ms[g] ?? 0) + (spent * 1000) / TICKS_PER_SECOND;
    }
    return ms;
  };
}
