/** Memory figures the bench scripts print. */
import { readFileSync } from 'node:fs';

/** The kernel's high-water mark of a process's resident set, in MB (Linux: VmHWM in /proc/<pid>/status). */
export const peakRssMb = (pid: number | 'self') =>
  Math.round(Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);
