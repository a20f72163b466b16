// Where the machine's CPU time goes during a case, read from /proc: Sodam's web process and workers, Postgres
// (live backends plus what the postmaster collected from backends that ended), Redis, the load generator itself.
// Printed per tip beside a case's result, it shows which part a change has to make cheaper.
import { readFileSync, readdirSync } from "node:fs";

const TICKS_PER_SECOND = 100;

export type CpuParts = Record<string, number>;

function readStat(pid: string) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const comm = text.slice(text.indexOf("(") + 1, text.lastIndexOf(")"));
    // Fields after the command name, numbered from 3 (state) as in proc(5).
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    const at = (n: number) => Number(fields[n - 3]);
    return { comm, ppid: at(4), own: at(14) + at(15), children: at(16) + at(17) };
  } catch {
    return null; // the process ended between listing and reading
  }
}

/** CPU seconds used so far, by part. `pids` names Sodam's own processes. */
export function cpuSnapshot(pids: Record<string, number | undefined>): CpuParts {
  const named = new Map(Object.entries(pids).filter((e): e is [string, number] => e[1] !== undefined).map(([k, v]) => [v, k]));
  const parts: CpuParts = {};
  const add = (part: string, ticks: number) => (parts[part] = (parts[part] ?? 0) + ticks / TICKS_PER_SECOND);
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    const stat = readStat(pid);
    if (!stat) continue;
    const name = named.get(Number(pid));
    if (name) add(name, stat.own);
    else if (Number(pid) === process.pid) add("load generator", stat.own);
    else if (stat.comm === "postgres") {
      // The postmaster (parent 1) also holds the time of backends that have exited.
      add("postgres", stat.own + (stat.ppid === 1 ? stat.children : 0));
    } else if (stat.comm.startsWith("redis-server")) add("redis", stat.own);
  }
  const [user, nice, system, idle, iowait, irq, softirq] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  add("machine busy", user! + nice! + system! + irq! + softirq!);
  add("machine idle", idle! + iowait!);
  return parts;
}

/** CPU milliseconds per operation spent by each part between two snapshots, e.g. "web 4.1, postgres 3.0 …". */
export function cpuPerOperation(before: CpuParts, after: CpuParts, operations: number) {
  const parts = Object.keys(after).filter((k) => k !== "machine idle");
  return parts
    .map((part) => ({ part, ms: ((after[part]! - (before[part] ?? 0)) * 1000) / Math.max(1, operations) }))
    .filter((p) => p.ms > 0.005)
    .map((p) => `${p.part} ${p.ms.toFixed(2)}`)
    .join(", ");
}
