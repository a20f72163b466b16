// The benchmark's quick version, so the suite never rots: every case B1–B6 runs against a real web process and
// workers and reports a figure. It checks that the cases run, not the targets (those are for the full run).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";

it("runs every benchmark case in quick mode and writes the table", async () => {
  const child = spawn(process.execPath, ["--import", "tsx", "tests/bench/run.ts", "--quick"], { env: process.env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  expect(code, output).toBe(0);
  const result = JSON.parse(readFileSync("tests/bench/results/quick.json", "utf8")) as { rows: { case: string; measured: string }[] };
  expect(result.rows.map((r) => r.case)).toEqual(["B1", "B2", "B3", "B4", "B4 (browser)", "B5", "B6"]);
  for (const row of result.rows) expect(row.measured, row.case).toMatch(/\d/);
  expect(readFileSync("tests/bench/results/quick.md", "utf8")).toContain("| B4 |");
}, 600_000);
