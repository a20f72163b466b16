// Creators' payout accounts at the provider (Stripe Connect Express): onboarding from the dashboard or the API, the
// account's status as account.updated last reported it, and the rule payouts follow — none is reserved for a
// creator whose account cannot receive transfers yet. Bank details live at Stripe, never here.
import type { DB } from "../../db/client";
import type { Creator } from "../models/creators.server";
import { Problem } from "../utils/problem.server";
import type { Tx } from "./ledger.server";
import type { PaymentProvider, PayoutAccountStatus } from "./provider.server";

export interface PayoutAccount extends PayoutAccountStatus {
  /** Can receive transfers and pay them out to the bank: payouts are reserved only then. */
  ready: boolean;
  updatedAt: string;
}

const COLUMNS = [
  "stripe_account_id",
  "country",
  "charges_enabled",
  "payouts_enabled",
  "transfers_active",
  "details_submitted",
  "requirements_due",
  "updated_at",
] as const;

export async function getPayoutAccount(db: Tx, creatorId: number): Promise<PayoutAccount | null> {
  const row = await db.selectFrom("connect_accounts").select(COLUMNS).where("creator_id", "=", creatorId).executeTakeFirst();
  if (!row) return null;
  return {
    accountId: row.stripe_account_id,
    country: row.country,
    chargesEnabled: row.charges_enabled,
    payoutsEnabled: row.payouts_enabled,
    transfersActive: row.transfers_active,
    detailsSubmitted: row.details_submitted,
    requirementsDue: row.requirements_due,
    ready: row.transfers_active && row.payouts_enabled,
    updatedAt: row.updated_at.toISOString(),
  };
}

export async function isPayoutAccountReady(db: Tx, creatorId: number): Promise<boolean> {
  return (await getPayoutAccount(db, creatorId))?.ready ?? false;
}

/** The provider account a creator's payouts go to, or null while it cannot receive them. */
export async function payoutAccountIdOf(db: Tx, creatorId: number): Promise<string | null> {
  const account = await getPayoutAccount(db, creatorId);
  return account?.ready ? account.accountId : null;
}

/**
 * Creates the creator's Express account on first use (keyed by the creator, so a double click creates one) and
 * returns a one-time onboarding link to Stripe's hosted form. Links expire within minutes: ask for a new one each
 * time (the refresh URL leads back here).
 */
export async function startConnectOnboarding(
  db: DB,
  provider: PaymentProvider,
  args: { creator: Creator; email: string; country: string; returnUrl: string; refreshUrl: string },
) {
  if (!provider.connect) {
    throw new Problem(409, "payout_account_not_needed", "In test mode no real money is paid out, so no payout account is needed.");
  }
  let account = await getPayoutAccount(db, args.creator.id);
  if (!account) {
    const created = await provider.connect.createPayoutAccount({
      creatorId: args.creator.id,
      email: args.email,
      country: args.country,
      idempotencyKey: `connect-account:${args.creator.id}`,
    });
    await db
      .insertInto("connect_accounts")
      .values(accountValues(args.creator.id, created))
      .onConflict((oc) => oc.column("creator_id").doNothing())
      .execute();
    account = (await getPayoutAccount(db, args.creator.id))!;
  }
  const link = await provider.connect.createOnboardingLink({ accountId: account.accountId, refreshUrl: args.refreshUrl, returnUrl: args.returnUrl });
  return { account, url: link.url, expiresAt: link.expiresAt.toISOString() };
}

function accountValues(creatorId: number, status: PayoutAccountStatus) {
  return {
    creator_id: creatorId,
    stripe_account_id: status.accountId,
    country: status.country,
    charges_enabled: status.chargesEnabled,
    payouts_enabled: status.payoutsEnabled,
    transfers_active: status.transfersActive,
    details_submitted: status.detailsSubmitted,
    requirements_due: JSON.stringify(status.requirementsDue),
  };
}

/**
 * Applies an account.updated snapshot. Snapshots arrive in any order and may be replayed: one older than the
 * snapshot applied last is ignored. An account Sodam has no row for is adopted when its metadata names the creator.
 */
export async function recordPayoutAccountStatus(
  trx: Tx,
  status: PayoutAccountStatus & { creatorId: number | null; at: Date },
): Promise<"updated" | "stale" | "created" | "unknown"> {
  const values = accountValues(status.creatorId ?? 0, status);
  const updated = await trx
    .updateTable("connect_accounts")
    .set({
      charges_enabled: values.charges_enabled,
      payouts_enabled: values.payouts_enabled,
      transfers_active: values.transfers_active,
      details_submitted: values.details_submitted,
      requirements_due: values.requirements_due,
      status_at: status.at,
      updated_at: new Date(),
    })
    .where("stripe_account_id", "=", status.accountId)
    .where((eb) => eb.or([eb("status_at", "is", null), eb("status_at", "<=", status.at)]))
    .returning("creator_id")
    .executeTakeFirst();
  if (updated) return "updated";
  const known = await trx.selectFrom("connect_accounts").select("creator_id").where("stripe_account_id", "=", status.accountId).executeTakeFirst();
  if (known) return "stale";
  if (status.creatorId === null) return "unknown";
  const creator = await trx.selectFrom("creators").select("id").where("id", "=", status.creatorId).executeTakeFirst();
  if (!creator) return "unknown";
  const inserted = await trx
    .insertInto("connect_accounts")
    .values({ ...values, status_at: status.at })
    .onConflict((oc) => oc.doNothing())
    .returning("creator_id")
    .executeTakeFirst();
  return inserted ? "created" : "unknown";
}

/** The creator a provider account belongs to (connected-account events name the account, not the creator). */
export async function creatorOfPayoutAccount(db: Tx, accountId: string): Promise<number | null> {
  const row = await db.selectFrom("connect_accounts").select("creator_id").where("stripe_account_id", "=", accountId).executeTakeFirst();
  return row?.creator_id ?? null;
}
