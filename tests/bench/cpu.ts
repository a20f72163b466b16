// Where the machine's CPU time goes during a case, read from /proc: Sodam's web process and workers, Postgres
// (live backends plus what the postmaster collected from backends that ended), Redis, the load generator itself.
// Printed per tip beside a case's result, it shows which part a change has to make cheaper.
import { readFileSync, readdirSync } from "node:fs";

const TICKS_PER_SECOND = 100;

/** CPU ticks so far: per process (with the part it belongs to), Postgres's ended backends, the machine. */
export interface CpuSnapshot {
  /** ticks: user + system; system: in the kernel (system calls, the network stack), part of ticks. */
  processes: Map<number, { part: string; ticks: number; system: number }>;
  endedBackends: number;
  machine: { busy: number; idle: number };
}

function readStat(pid: string) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const comm = text.slice(text.indexOf("(") + 1, text.lastIndexOf(")"));
    // Fields after the command name, numbered from 3 (state) as in proc(5).
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    const at = (n: number) => Number(fields[n - 3]);
    return { comm, ppid: at(4), own: at(14) + at(15), system: at(15), children: at(16) + at(17) };
  } catch {
    return null; // the process ended between listing and reading
  }
}

/** `pids` names Sodam's own processes. */
export function cpuSnapshot(pids: Record<string, number | undefined>): CpuSnapshot {
  const named = new Map(Object.entries(pids).filter((e): e is [string, number] => e[1] !== undefined).map(([k, v]) => [v, k]));
  const processes = new Map<number, { part: string; ticks: number; system: number }>();
  let endedBackends = 0;
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    const stat = readStat(pid);
    if (!stat) continue;
    const part =
      named.get(Number(pid)) ??
      (Number(pid) === process.pid ? "load generator" : stat.comm === "postgres" ? "postgres" : stat.comm.startsWith("redis-server") ? "redis" : null);
    if (!part) continue;
    processes.set(Number(pid), { part, ticks: stat.own, system: stat.system });
    // The postmaster (parent 1) collects the time of the backends that have exited.
    if (stat.comm === "postgres" && stat.ppid === 1) endedBackends = stat.children;
  }
  const [user, nice, system, idle, iowait, irq, softirq] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  return { processes, endedBackends, machine: { busy: user! + nice! + system! + irq! + softirq!, idle: idle! + iowait! } };
}

/**
 * CPU milliseconds per operation spent by each part between two snapshots, with the kernel's share of Sodam's own
 * processes, e.g. "web 4.10 (kernel 1.60), postgres 3.02, …".
 */
export function cpuPerOperation(before: CpuSnapshot, after: CpuSnapshot, operations: number) {
  const ticks: Record<string, number> = {};
  const system: Record<string, number> = {};
  const add = (part: string, n: number) => (ticks[part] = (ticks[part] ?? 0) + n);
  for (const [pid, now] of after.processes) {
    const then = before.processes.get(pid);
    add(now.part, now.ticks - (then?.ticks ?? 0));
    system[now.part] = (system[now.part] ?? 0) + now.system - (then?.system ?? 0);
  }
  // A backend that ended in between: its whole life moved into the postmaster's collected time, so what it had
  // used before the first snapshot comes off again.
  add("postgres", after.endedBackends - before.endedBackends);
  for (const [pid, then] of before.processes) if (!after.processes.has(pid) && then.part === "postgres") add("postgres", -then.ticks);
  add("machine busy", after.machine.busy - before.machine.busy);
  const ms = (n: number) => ((n / TICKS_PER_SECOND) * 1000) / Math.max(1, operations);
  return Object.entries(ticks)
    .filter(([, n]) => ms(n) > 0.005)
    .map(([part, n]) => `${part} ${ms(n).toFixed(2)}${part === "web" || part === "workers" ? ` (kernel ${ms(system[part] ?? 0).toFixed(2)})` : ""}`)
    .join(", ");
}
