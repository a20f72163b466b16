// What a creator sees of their money: pending (settled, in the holding period), available, in transit, paid out.
import type { DB } from "../../db/client";
import type { Currency } from "./currency";

export interface EarningsBalance {
  currency: Currency;
  /** Tips received but not yet settled by the settlement worker. */
  unsettled: number;
  pending: number;
  available: number;
  inTransit: number;
  paidOut: number;
}

export async function getCreatorEarnings(db: DB, creatorId: number): Promise<EarningsBalance[]> {
  const accounts = await db
    .selectFrom("accounts")
    .select(["purpose", "currency", "balance"])
    .where("owner_type", "=", "creator")
    .where("owner_id", "=", creatorId)
    .execute();
  const paid = await db
    .selectFrom("payouts")
    .select((eb) => ["currency", eb.fn.sum<number>("amount").as("total")])
    .where("creator_id", "=", creatorId)
    .where("status", "=", "paid")
    .groupBy("currency")
    .execute();
  const unsettled = await db
    .selectFrom("tips")
    .select((eb) => ["currency", eb.fn.sum<number>("amount").as("total")])
    .where("creator_id", "=", creatorId)
    .where("status", "in", ["pending", "held"])
    .groupBy("currency")
    .execute();
  const byCurrency = new Map<Currency, EarningsBalance>();
  const get = (currency: Currency) => {
    let b = byCurrency.get(currency);
    if (!b) byCurrency.set(currency, (b = { currency, unsettled: 0, pending: 0, available: 0, inTransit: 0, paidOut: 0 }));
    return b;
  };
  for (const a of accounts) {
    const b = get(a.currency as Currency);
    if (a.purpose === "pending") b.pending = a.balance;
    if (a.purpose === "available") b.available = a.balance;
    if (a.purpose === "in_transit") b.inTransit = a.balance;
  }
  for (const p of paid) get(p.currency as Currency).paidOut = Number(p.total);
  for (const u of unsettled) get(u.currency as Currency).unsettled = Number(u.total);
  return [...byCurrency.values()];
}
