import { Migrator, type Kysely } from "kysely";
import { migrationProvider } from "./migrations/index";

function migratorFor(db: Kysely<any>) {
  return new Migrator({ db, provider: migrationProvider });
}

function check(results: Awaited<ReturnType<Migrator["migrateToLatest"]>>) {
  if (results.error) throw results.error;
  return (results.results ?? []).map((r) => `${r.direction} ${r.migrationName}: ${r.status}`);
}

export async function migrateToLatest(db: Kysely<any>) {
  return check(await migratorFor(db).migrateToLatest());
}

export async function rollbackLast(db: Kysely<any>) {
  return check(await migratorFor(db).migrateDown());
}
