// Real Sodam processes for tests: the web server (on a free port, loopback only) and the workers, each started
// with the test file's database and Redis prefix.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface RunningProcess {
  child: ChildProcess;
  output: () => string;
  /** Sends a signal and waits for the process to exit. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
  exited: Promise<number | null>;
}

function launch(script: string, env: Record<string, string>, nodeArgs: string[] = []): RunningProcess {
  // node --import tsx (not the tsx CLI) so a signal reaches the process itself, as in production.
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", script], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    stop: async (signal = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** `nodeArgs`: extra Node flags, e.g. `--cpu-prof` for the benchmark's profiles. */
export async function startWeb(env: Record<string, string>, nodeArgs: string[] = []): Promise<RunningProcess & { url: string }> {
  if (!existsSync(path.join(root, "build/server/index.js"))) throw new Error("run `npm run build` before the HTTP tests");
  // A free port unless the test asks for one (to restart a server where its clients expect it).
  const proc = launch("app/cli/web.ts", { PORT: "0", ...env, HOST: "127.0.0.1" }, nodeArgs);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`web did not start:\n${proc.output()}`)), 90_000);
    proc.child.on("message", (m: { ready?: string }) => {
      if (m.ready) {
        clearTimeout(timer);
        resolve(m.ready);
      }
    });
    proc.child.once("exit", (code) => reject(new Error(`web exited with ${code}:\n${proc.output()}`)));
  });
  return { ...proc, url };
}

export function startWorkers(env: Record<string, string>): RunningProcess {
  return launch("workers/index.ts", env);
}

/** Polls `check` until it returns a truthy value (or fails after `timeoutMs`). */
export async function waitFor<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 30_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
