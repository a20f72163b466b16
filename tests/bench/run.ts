// The benchmark suite: Sodam as `npm start` runs it (web process + workers, real Postgres and Redis, a scratch
// database) measured side by side with a baseline in the same run that shows what this machine can do at most.
//   npm run bench                 full run (about 10 minutes)
//   npm run bench -- --quick      a few seconds per case, small sizes (CI: checks that every case runs)
//   npm run bench -- --only B1,B4
//   npm run bench -- --profile    the web process writes a V8 CPU profile into tests/bench/results/profiles
// Prints a table and writes tests/bench/results/<full|quick>.{json,md}.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import autocannon from "autocannon";
import { sql } from "kysely";
import pg from "pg";
import { createDb, dropDatabase, ensureDatabase } from "../../db/client";
import { migrateToLatest } from "../../db/migrator";
import { ensureWalletAccount, systemAccountId } from "../../app/money/ledger.server";
import { deleteRedisPrefix } from "../support/redis";
import { startWeb, startWorkers, waitFor, type RunningProcess } from "../support/processes";
import { cpuPerOperation, cpuSnapshot } from "./cpu";
import { countPendingTips, seedCreators, seedFans, seedPendingTips, type BenchCreator } from "./fixtures";
import { jsonPoster, percentile, runClosedLoop, type LoadResult } from "./load";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const only = args.find((a) => a.startsWith("--only"))?.split("=")[1] ?? (args.includes("--only") ? args[args.indexOf("--only") + 1] : undefined);
const wanted = (name: string) => !only || only.split(",").includes(name);

const SIZES = quick
  ? { clients: 16, seconds: 2, creators: 200, settle: [2_000, 10_000], pageConnections: 16, pageSeconds: 2 }
  : { clients: 64, seconds: 20, creators: 10_000, settle: [100_000, 1_000_000], pageConnections: 64, pageSeconds: 15 };

/** What Chromium sends, for B4 asked as a browser asks. */
const BROWSER_HEADERS = { "accept-encoding": "gzip, deflate, br, zstd" };

interface Row {
  case: string;
  what: string;
  measured: string;
  baseline: string;
  ratio: number | null;
  target: string;
  met: boolean | null;
}
const rows: Row[] = [];
const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const log = (text: string) => console.log(`bench: ${text}`);

// --- a scratch world -------------------------------------------------------------------------------------------
const id = `${Date.now().toString(36)}${randomBytes(2).toString("hex")}`;
const adminUrl = new URL(process.env.SODAM_TEST_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres");
adminUrl.pathname = `/sodam_bench_${id}`;
const databaseUrl = adminUrl.toString();
const redisPrefix = `sodam-bench-${id}`;
const env: Record<string, string> = {
  DATABASE_URL: databaseUrl,
  REDIS_PREFIX: redisPrefix,
  // Measured as deployed: production mode (React's production server renderer, Remix's production handler), with
  // the secrets production requires made for this run.
  NODE_ENV: "production",
  SESSION_SECRET: randomBytes(32).toString("base64"),
  LEDGER_SIGNING_KEY: randomBytes(32).toString("base64"),
  WEBHOOK_SECRET_KEY: randomBytes(32).toString("base64"),
  // Request logs off: at thousands of requests a second they would measure the log pipe, not Sodam.
  LOG_LEVEL: "warn",
  // Limits meant for people, not for a load generator.
  RATE_LIMIT_TIPS_PER_MINUTE: "100000000",
  RATE_LIMIT_TOPUPS_PER_HOUR: "100000000",
  RATE_LIMIT_SIGNUPS_PER_HOUR: "100000000",
  RATE_LIMIT_SIGNINS_PER_15_MINUTES: "100000000",
  // The fraud rules still run on every tip (their Redis counters are part of the hot path), but 64 clients
  // sending hundreds of tips a minute each from one address would otherwise be held for review.
  RISK_FAN_TIPS_PER_HOUR: "100000000",
  RISK_IP_TIPS_PER_HOUR: "100000000",
  // Every bench fan tops up with the same test card.
  RISK_CARD_PAYMENTS_PER_HOUR: "100000000",
};

if (!existsSync(path.join(root, "build/server/index.js"))) {
  log("building the web app");
  if (spawnSync("npx", ["remix", "build"], { cwd: root, stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } }).status !== 0) process.exit(1);
}
await ensureDatabase(databaseUrl);
const db = createDb(databaseUrl, 8);
await migrateToLatest(db);
Object.assign(process.env, env);

const profileDir = path.join(root, "tests/bench/results/profiles");
const webNodeArgs = args.includes("--profile") ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];

let web: (RunningProcess & { url: string }) | undefined;
let workers: RunningProcess | undefined;
const started = Date.now();
try {
  web = await startWeb(env, webNodeArgs);
  workers = startWorkers(env);
  log(`web at ${web.url}; seeding ${fmt(SIZES.creators)} creators and ${SIZES.clients} fans`);
  const creators = await seedCreators(db, SIZES.creators);
  // Enough for every tip of B1 and B2 at ₩100 each, with room to spare.
  const fans = await seedFans(web.url, SIZES.clients, quick ? 2_000_000 : 6_000_000);

  let b1: LoadResult | undefined;
  await quiesce();
  if (wanted("B1") || wanted("B2") || wanted("B6")) b1 = await caseB1(creators, fans);
  if (wanted("B2") && b1) await caseB2(creators, fans, b1);
  if (wanted("B3")) await caseB3(creators);
  if (wanted("B4")) {
    await quiesce();
    await caseB4();
  }
  if (wanted("B5")) await caseB5();
} catch (error) {
  // What the processes said is the first thing to read when a case fails.
  console.error(`web output:\n${web?.output().slice(-3000)}\nworkers output:\n${workers?.output().slice(-3000)}`);
  throw error;
} finally {
  await workers?.stop();
  await web?.stop();
  await db.destroy();
  await dropDatabase(databaseUrl).catch(() => undefined);
  await deleteRedisPrefix(redisPrefix).catch(() => undefined);
}
report();

// --- B1, B6: wallet tips over HTTP; settlement lag under that load ---------------------------------------------
async function caseB1(creators: BenchCreator[], fans: { id: number; token: string }[]) {
  const cpu = () => cpuSnapshot({ web: web?.child.pid, workers: workers?.child.pid });
  const sqlCpu = cpu();
  const baseline = await rawSqlTips(creators, fans);
  // The baseline's tips are settled and its events relayed before Sodam's turn, which then pays for its own only.
  await settled();
  const httpCpu = cpu();
  const windowStart = new Date();
  const result = await walletTipsOverHttp(fans, () => creators[Math.floor(Math.random() * creators.length)]!);
  const windowEnd = new Date();
  const endCpu = cpu();
  log(`B1 HTTP ${fmt(result.perSecond)} tips/s (failed ${result.failed} ${JSON.stringify(result.failures)}); SQL ${fmt(baseline.perSecond)} tips/s`);
  // Where each tip's CPU went, in ms per tip ("machine busy" is all cores together, whatever ran).
  log(`B1 CPU ms per tip over HTTP: ${cpuPerOperation(httpCpu, endCpu, result.completed)}`);
  log(`B1 CPU ms per tip in raw SQL: ${cpuPerOperation(sqlCpu, httpCpu, baseline.completed)}`);
  const ratio = result.perSecond / baseline.perSecond;
  if (wanted("B1"))
    rows.push({
      case: "B1",
      what: `wallet tips over HTTP, ${SIZES.clients} clients, ${SIZES.seconds} s, ${fmt(creators.length)} creators`,
      measured: `${fmt(result.perSecond)} tips/s, p50 ${fmt(result.p50Ms, 1)} ms, p99 ${fmt(result.p99Ms, 1)} ms`,
      baseline: `raw SQL transaction via pg: ${fmt(baseline.perSecond)} tips/s, p50 ${fmt(baseline.p50Ms, 1)} ms, p99 ${fmt(baseline.p99Ms, 1)} ms`,
      ratio,
      target: "≥ 0.5",
      met: ratio >= 0.5 && result.failed === 0,
    });

  if (wanted("B6")) {
    // Every tip accepted in B1's window, from its commit to the settlement that put it in its creator's earnings.
    await settled();
    const lags = await sql<{ lag: number }>`
      select (extract(epoch from (settled_at - created_at)) * 1000)::float8 as lag from tips
       where created_at between ${windowStart} and ${windowEnd} and fan_id is not null and settled_at is not null
    `.execute(db);
    const sorted = lags.rows.map((r) => Number(r.lag)).sort((a, b) => a - b);
    const p99 = percentile(sorted, 99);
    rows.push({
      case: "B6",
      what: `tip → settled into the creator's earnings, under B1's load (${fmt(sorted.length)} tips)`,
      measured: `p50 ${fmt(percentile(sorted, 50) / 1000, 2)} s, p99 ${fmt(p99 / 1000, 2)} s`,
      baseline: "—",
      ratio: null,
      target: "p99 < 10 s",
      met: p99 < 10_000,
    });
  }
  return result;
}

/** Each fan a client sending ₩100 wallet tips through the API, each with its own Idempotency-Key. */
async function walletTipsOverHttp(fans: { token: string }[], pickCreator: () => BenchCreator) {
  const poster = jsonPoster(web!.url, SIZES.clients);
  try {
    return await runClosedLoop(SIZES.clients, SIZES.seconds, async (client) => {
      const answer = await poster.post(
        "/api/v1/tips",
        { creator: pickCreator().handle, amount: 100, currency: "KRW" },
        { Authorization: `Bearer ${fans[client]!.token}`, "Idempotency-Key": randomUUID() },
      );
      return answer.status === 201 || `${answer.status} ${answer.body.slice(0, 60)}`;
    });
  } finally {
    poster.close();
  }
}

/** The same clients doing the tip's essential transaction straight through pg: what Postgres allows at most. */
async function rawSqlTips(creators: BenchCreator[], fans: { id: number; token: string }[]) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: SIZES.clients });
  const wallets = await Promise.all(fans.map((fan) => ensureWalletAccount(db, fan.id, "KRW")));
  const inFlight = await systemAccountId(db, "tips_in_flight", "KRW");
  const result = await runClosedLoop(SIZES.clients, SIZES.seconds, async (client) => {
    const creator = creators[Math.floor(Math.random() * creators.length)]!;
    const conn = await pool.connect();
    try {
      await conn.query("begin");
      const debited = await conn.query("update accounts set balance = balance - 100 where id = $1 and balance >= 100", [wallets[client]]);
      if (debited.rowCount !== 1) throw new Error("wallet empty");
      const tipId = randomUUID();
      const tx = await conn.query("insert into ledger_transactions (key, kind) values ($1, 'tip') returning id", [`tip:${tipId}`]);
      await conn.query("insert into ledger_entries (transaction_id, account_id, currency, amount) values ($1, $2, 'KRW', -100), ($1, $3, 'KRW', 100)", [
        tx.rows[0].id,
        wallets[client],
        inFlight,
      ]);
      await conn.query("insert into tips (id, fan_id, creator_id, amount, currency, source) values ($1, $2, $3, 100, 'KRW', 'wallet')", [tipId, fans[client]!.id, creator.id]);
      await conn.query("insert into outbox (topic, payload) values ('tip.created', $1)", [JSON.stringify({ tipId, creatorId: creator.id, amount: 100 })]);
      await conn.query("commit");
      return true;
    } catch (error) {
      await conn.query("rollback").catch(() => undefined);
      throw error;
    } finally {
      conn.release();
    }
  });
  await pool.end();
  return result;
}

// --- B2: every tip to one creator -------------------------------------------------------------------------------
async function caseB2(creators: BenchCreator[], fans: { id: number; token: string }[], spread: LoadResult) {
  await settled();
  const star = creators[0]!;
  const result = await walletTipsOverHttp(fans, () => star);
  const ratio = result.perSecond / spread.perSecond;
  rows.push({
    case: "B2",
    what: "B1 with every tip to one creator",
    measured: `${fmt(result.perSecond)} tips/s, p50 ${fmt(result.p50Ms, 1)} ms, p99 ${fmt(result.p99Ms, 1)} ms`,
    baseline: `B1 spread over ${fmt(creators.length)} creators: ${fmt(spread.perSecond)} tips/s`,
    ratio,
    target: "≥ 0.9",
    met: ratio >= 0.9 && result.failed === 0,
  });
}

// --- B3: settling a backlog -------------------------------------------------------------------------------------
async function caseB3(creators: BenchCreator[]) {
  await settled();
  const measured: { count: number; seconds: number; sqlSeconds: number; peakMb: number }[] = [];
  for (const count of SIZES.settle) {
    await workers!.stop();
    log(`B3 seeding ${fmt(count)} pending tips`);
    await seedPendingTips(db, count, creators, `${count}`);
    await sql`vacuum analyze tips`.execute(db);
    const sqlSeconds = await setBasedSettlement();
    // Fresh workers, so their peak memory is this backlog's alone.
    workers = startWorkers(env);
    // From the moment the workers take jobs (their boot is not settlement time).
    await new Promise((resolve) => workers!.child.once("message", resolve));
    const t0 = performance.now();
    await waitFor(async () => (await countPendingTips(db)) === 0, 3_600_000, `settling ${count} tips`);
    const seconds = (performance.now() - t0) / 1000;
    const peakMb = peakRssMb(workers.child.pid!);
    log(`B3 ${fmt(count)} tips: workers ${fmt(seconds, 1)} s (peak ${fmt(peakMb)} MB), one SQL statement ${fmt(sqlSeconds, 1)} s`);
    measured.push({ count, seconds, sqlSeconds, peakMb });
  }
  const [small, large] = measured as [(typeof measured)[0], (typeof measured)[0]];
  const ratio = large.seconds / large.sqlSeconds;
  const memoryGrowth = large.peakMb / small.peakMb;
  rows.push({
    case: "B3",
    what: `settle ${fmt(large.count)} pending tips of ${fmt(creators.length)} creators with the workers (and ${fmt(small.count)})`,
    measured: `${fmt(large.seconds, 1)} s, peak ${fmt(large.peakMb)} MB (${fmt(small.count)}: ${fmt(small.seconds, 1)} s, peak ${fmt(small.peakMb)} MB)`,
    baseline: `one set-based SQL statement: ${fmt(large.sqlSeconds, 1)} s (${fmt(small.count)}: ${fmt(small.sqlSeconds, 1)} s)`,
    ratio,
    target: "≤ 2.0; peak memory flat (≤ 1.25×)",
    met: ratio <= 2.0 && memoryGrowth <= 1.25,
  });
}

/**
 * The same work as one statement, rolled back: claim every pending tip, one settlement per creator (fee on the
 * aggregate, rounded down), its ledger transaction and entries, the creators' cached balances, the tips marked.
 */
async function setBasedSettlement() {
  const inFlight = await systemAccountId(db, "tips_in_flight", "KRW");
  const fees = await systemAccountId(db, "fees", "KRW");
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("begin");
    const t0 = performance.now();
    await client.query(
      `
      with grouped as (
        select creator_id, sum(amount) as gross, count(*) as tip_count from tips where status = 'pending' group by creator_id
      ), settled as (
        insert into settlements (creator_id, currency, gross, fee, net, tip_count)
        select creator_id, 'KRW', gross, gross * 500 / 10000, gross - gross * 500 / 10000, tip_count from grouped
        returning id, creator_id, gross, fee, net
      ), accounts_of as (
        select settled.*, a.id as pending_account from settled join accounts a on a.code = 'creator:' || settled.creator_id || ':pending:KRW'
      ), transactions as (
        insert into ledger_transactions (key, kind) select 'settlement:' || id, 'settlement' from settled returning id, key
      ), entries as (
        insert into ledger_entries (transaction_id, account_id, currency, amount)
        select t.id, e.account_id, 'KRW', e.amount
          from accounts_of s join transactions t on t.key = 'settlement:' || s.id
          cross join lateral (values ($1::bigint, -s.gross), (s.pending_account, s.net), ($2::bigint, s.fee)) as e(account_id, amount)
         where e.amount <> 0
      ), balances as (
        update accounts set balance = balance + s.net from accounts_of s where accounts.id = s.pending_account
      )
      update tips set status = 'settled', settlement_id = s.id, settled_at = now()
        from settled s where tips.creator_id = s.creator_id and tips.status = 'pending'`,
      [inFlight, fees],
    );
    const seconds = (performance.now() - t0) / 1000;
    await client.query("rollback");
    return seconds;
  } finally {
    await client.end();
  }
}

/** Peak resident memory of a process tree's main process (VmHWM), in MB. */
function peakRssMb(pid: number) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

// --- B4: the creator page under load ----------------------------------------------------------------------------
async function caseB4() {
  const pageUrl = `${web!.url}/@bench_c_1`;
  const sample = await fetch(pageUrl);
  const body = Buffer.from(await sample.arrayBuffer());
  if (sample.status !== 200) throw new Error(`creator page answered ${sample.status}`);
  const bare = await startBareServer(body);
  try {
    // Two rounds, each side in turn, averaged: on two cores the bare server's rate swings with where the scheduler
    // puts it and the load generator, and one round in a fixed order would credit that swing to one side. Each
    // round also asks for the page as a browser does (Accept-Encoding: the answer comes compressed), reported
    // beside B4 against the same baseline.
    type Side = "baseline" | "measured" | "browser";
    const rounds: Record<Side, autocannon.Result>[] = [];
    for (let round = 0; round < 2; round++) {
      rounds.push({ baseline: await cannon(bare.url), measured: await cannon(pageUrl), browser: await cannon(pageUrl, BROWSER_HEADERS) });
    }
    const mean = (side: Side) => rounds.reduce((sum, r) => sum + r[side].requests.average, 0) / rounds.length;
    const worstP99 = (side: Side) => Math.max(...rounds.map((r) => r[side].latency.p99));
    const each = (side: Side) => rounds.map((r) => fmt(r[side].requests.average)).join(" and ");
    const non2xx = (side: Side) => rounds.reduce((sum, r) => sum + r[side].non2xx, 0);
    const baseline = `bare Node http server, same ${fmt(body.length)} bytes: ${fmt(mean("baseline"))} req/s (${each("baseline")}), p99 ${fmt(worstP99("baseline"))} ms`;
    for (const side of ["measured", "browser"] as const) {
      const ratio = mean(side) / mean("baseline");
      rows.push({
        case: side === "measured" ? "B4" : "B4 (browser)",
        what:
          side === "measured"
            ? `creator page, ${SIZES.pageConnections} connections, 2 × ${SIZES.pageSeconds} s (autocannon)`
            : `B4 asked as a browser does (Accept-Encoding: ${BROWSER_HEADERS["accept-encoding"]})`,
        measured: `${fmt(mean(side))} req/s (${each(side)}), p99 ${fmt(worstP99(side))} ms, ${non2xx(side)} non-2xx`,
        baseline,
        ratio,
        target: "≥ 0.3; p99 < 50 ms",
        met: ratio >= 0.3 && worstP99(side) < 50 && non2xx(side) === 0,
      });
    }
  } finally {
    await bare.stop();
  }
}

function cannon(url: string, headers: Record<string, string> = {}) {
  return autocannon({ url, headers, connections: SIZES.pageConnections, duration: SIZES.pageSeconds });
}

/** A plain `http` server in its own process answering every request with `body`, as fast as Node can. */
async function startBareServer(body: Buffer) {
  const file = path.join(os.tmpdir(), `sodam-bench-page-${id}.html`);
  writeFileSync(file, body);
  const script = `
    const body = require("fs").readFileSync(${JSON.stringify(file)});
    const server = require("http").createServer((req, res) => {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Content-Length": body.length });
      res.end(body);
    });
    server.listen(0, "127.0.0.1", () => process.send(server.address().port));`;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const port = await new Promise<number>((resolve) => child.once("message", (m) => resolve(Number(m))));
  return {
    url: `http://127.0.0.1:${port}/`,
    stop: () => new Promise<void>((resolve) => (child.once("exit", () => resolve()), child.kill())),
  };
}

// --- B5: what a fan's browser downloads -------------------------------------------------------------------------
async function caseB5() {
  const embed = gzipSync(readFileSync(path.join(root, "public/embed.js")), { level: 9 }).length;
  const html = await (await fetch(`${web!.url}/@bench_c_1`)).text();
  // Every script the page loads: module preloads, the entry script and the modules it imports.
  const sources = new Set<string>();
  for (const match of html.matchAll(/<link rel="modulepreload" href="([^"]+)"/g)) sources.add(match[1]!);
  for (const match of html.matchAll(/import\("([^"]+)"\)|from\s*"([^"]+\.js)"/g)) sources.add((match[1] ?? match[2])!);
  for (const match of html.matchAll(/<script[^>]+src="([^"]+)"/g)) sources.add(match[1]!);
  let scripts = 0;
  for (const src of sources) {
    const response = await fetch(new URL(src, web!.url));
    if (response.ok) scripts += gzipSync(Buffer.from(await response.arrayBuffer()), { level: 9 }).length;
  }
  rows.push({
    case: "B5",
    what: `embed.js gzipped; creator page JavaScript gzipped (${sources.size} files)`,
    measured: `${fmt(embed)} B; ${fmt(scripts / 1024, 1)} KB`,
    baseline: "—",
    ratio: null,
    target: "≤ 3 KB; ≤ 150 KB",
    met: embed <= 3 * 1024 && scripts <= 150 * 1024,
  });
}

/** Waits until the workers have settled every pending tip, saying how many are left now and then. */
async function settled(timeoutMs = quick ? 120_000 : 900_000) {
  let last = 0;
  await waitFor(
    async () => {
      const pending = await countPendingTips(db);
      // Events still to relay are work left too (the workers' sweeper publishes what the baseline wrote).
      const unrelayed = Number((await sql<{ n: number }>`select count(*) as n from outbox where published_at is null`.execute(db)).rows[0]!.n);
      if (Date.now() - last > 10_000) {
        last = Date.now();
        if (pending || unrelayed) log(`${fmt(pending)} tips pending settlement, ${fmt(unrelayed)} events to relay`);
      }
      return pending === 0 && unrelayed === 0;
    },
    timeoutMs,
    "settlement to catch up",
  );
}

/**
 * Before a case: the workers have finished what earlier cases left them (tips to settle, events to relay, ledger
 * transactions to seal) and the tables are vacuumed, so the case measures its own load and not their aftermath.
 */
async function quiesce() {
  await settled();
  await waitFor(
    async () => Number((await sql<{ n: number }>`select count(*) as n from ledger_unsealed`.execute(db)).rows[0]!.n) === 0,
    quick ? 120_000 : 900_000,
    "the transparency log to seal every ledger transaction",
  );
  await sql`vacuum analyze`.execute(db);
}

// --- the table --------------------------------------------------------------------------------------------------
function report() {
  rows.sort((a, b) => a.case.localeCompare(b.case));
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${fmt(os.totalmem() / 2 ** 30, 1)} GiB, Node ${process.version}`;
  const header = "| case | what | measured | baseline in the same run | ratio | target | met |";
  const lines = [
    header,
    "|---|---|---|---|---|---|---|",
    ...rows.map((r) => `| ${r.case} | ${r.what} | ${r.measured} | ${r.baseline} | ${r.ratio === null ? "—" : fmt(r.ratio, 2)} | ${r.target} | ${r.met === null ? "—" : r.met ? "yes" : "no"} |`),
  ];
  const markdown = `Benchmark (${quick ? "quick" : "full"}) on ${machine}, ${new Date().toISOString()}, ${fmt((Date.now() - started) / 1000)} s.\n\n${lines.join("\n")}\n`;
  console.log(`\n${markdown}`);
  const dir = path.join(root, "tests/bench/results");
  mkdirSync(dir, { recursive: true });
  const name = quick ? "quick" : "full";
  writeFileSync(path.join(dir, `${name}.md`), markdown);
  writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify({ mode: name, machine, at: new Date().toISOString(), rows }, null, 2)}\n`);
}
