// First step of `npm test`: makes sure what the tests need is here — Debian's Chromium for Playwright (installed
// when missing and we are root), PostgreSQL and Redis reachable — and says clearly what to do when not.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import net from "node:net";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

function reachable(host: string, port: number) {
  return new Promise<boolean>((resolve) => {
    const socket = net.connect({ host, port, timeout: 2000 });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => (socket.destroy(), resolve(false)));
  });
}

if (!existsSync(CHROMIUM)) {
  if (process.getuid?.() === 0 && existsSync("/usr/bin/apt-get")) {
    console.log("preflight: installing Debian's chromium for Playwright …");
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    const update = spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
    const install = spawnSync("apt-get", ["install", "-y", "-qq", "chromium", "fonts-noto-cjk"], { stdio: "inherit", env });
    if (update.status !== 0 || install.status !== 0 || !existsSync(CHROMIUM)) {
      console.log("preflight: could not install chromium; run `apt-get install -y chromium` and try again");
      process.exit(1);
    }
  } else {
    console.log(`preflight: ${CHROMIUM} is missing; install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`);
    process.exit(1);
  }
}

const postgres = new URL(process.env.SODAM_TEST_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres");
const redis = new URL(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
const missing = [];
if (!(await reachable(postgres.hostname, Number(postgres.port || 5432)))) {
  missing.push(`PostgreSQL at ${postgres.host} (start it: pg_ctlcluster $(ls /etc/postgresql) main start)`);
}
if (!(await reachable(redis.hostname, Number(redis.port || 6379)))) {
  missing.push(`Redis at ${redis.host} (start it: redis-server --daemonize yes)`);
}
if (missing.length) {
  console.log(`preflight: cannot reach ${missing.join(" and ")}`);
  process.exit(1);
}
