// A creator's Korean tax status: an individual (the default) has 3.3 % withheld from payouts in KRW; a business
// (사업자) files and pays its own taxes. A change applies to payouts reserved afterwards.
import type { DB } from "../../db/client";
import type { TaxStatus } from "../../db/types";
import { Problem } from "../utils/problem.server";

export const TAX_STATUSES: TaxStatus[] = ["individual", "business"];

export async function getCreatorTaxStatus(db: DB, creatorId: number): Promise<TaxStatus> {
  const row = await db.selectFrom("creators").select("tax_status").where("id", "=", creatorId).executeTakeFirstOrThrow();
  return row.tax_status;
}

/** Sets the tax status of the creator owned by `userId` (ownership in the where clause). */
export async function setCreatorTaxStatus(db: DB, userId: number, taxStatus: TaxStatus) {
  const row = await db.updateTable("creators").set({ tax_status: taxStatus }).where("user_id", "=", userId).returning("id").executeTakeFirst();
  if (!row) throw new Problem(403, "not_a_creator", "Only creators can do this.");
}
