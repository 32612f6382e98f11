import { readFileSync } from 'node:fs';

/** Clock ticks a second in /proc/<pid>/stat: USER_HZ, 100 on every Linux kernel built for x86 and arm. */
const USER_HZ = 100;

/**
 * CPU milliseconds (user and system, all threads) a process has used so far, read from
 * /proc/<pid>/stat (fields 14 and 15; 10 ms resolution); null where there is no /proc or no
 * such process. The process's own CPU comes from process.cpuUsage() instead.
 */
function processCpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: the fields after it follow its closing ')'.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / USER_HZ;
  } catch {
    return null;
  }
}

/** CPU milliseconds of this process and of the processes `pids`, together; null if any is unreadable. */
export function cpuMsOf(pids: readonly (number | undefined)[]): number | null {
  const own = process.cpuUsage();
  let total = (own.user + own.system) / 1000;
  for (const pid of pids) {
    const ms = processCpuMs(pid);
    if (ms === null) return null;
    total += ms;
  }
  return total;
}
