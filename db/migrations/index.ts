// Every migration, listed so the Migrator can load them under tsx and vitest alike (no file-system scan).
import type { Migration, MigrationProvider } from "kysely";
import * as m20261129000100 from "./20261129000100_people";
import * as m20261129000200 from "./20261129000200_ledger";
import * as m20261129000300 from "./20261129000300_sessions_unlocks_pledges";
import * as m20261129000400 from "./20261129000400_transparency";
import * as m20261129000500 from "./20261129000500_stripe";
import * as m20261130000600 from "./20261130000600_overlays";
import * as m20261130000700 from "./20261130000700_trust";
import * as m20261130000800 from "./20261130000800_creator_money";
import * as m20261130000900 from "./20261130000900_refunds_and_disputes";
import * as m20261130001100 from "./20261130001100_settlement_by_creator";

const migrations: Record<string, Migration> = {
  "20261129000100_people": m20261129000100,
  "20261129000200_ledger": m20261129000200,
  "20261129000300_sessions_unlocks_pledges": m20261129000300,
  "20261129000400_transparency": m20261129000400,
  "20261129000500_stripe": m20261129000500,
  "20261130000600_overlays": m20261130000600,
  "20261130000700_trust": m20261130000700,
  "20261130000800_creator_money": m20261130000800,
  "20261130000900_refunds_and_disputes": m20261130000900,
  "20261130001100_settlement_by_creator": m20261130001100,
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};
