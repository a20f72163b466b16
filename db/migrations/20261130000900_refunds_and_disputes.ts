// Partial refunds: how much of each tip has been given back, and per settlement how much gross and fee its refunds
// took back, so refunding every tip of a settlement takes back exactly its fee and net (never a won more from the
// creator through rounding each tip's fee share on its own); and what a won dispute gives back.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    alter table tips add column refunded_amount bigint not null default 0;
    update tips set refunded_amount = amount where status = 'refunded';
    alter table tips add constraint tips_refunded_amount_range check (refunded_amount >= 0 and refunded_amount <= amount);
    -- Refunded means refunded in full; a partly refunded tip keeps its status.
    alter table tips add constraint tips_refunded_in_full check ((status = 'refunded') = (refunded_amount = amount));

    alter table settlements add column refunded_gross bigint not null default 0;
    alter table settlements add column refunded_fee bigint not null default 0;
    update settlements s set refunded_gross = r.gross
      from (select settlement_id, sum(amount) as gross from tips where status = 'refunded' and settlement_id is not null group by settlement_id) r
      where r.settlement_id = s.id;
    -- Earlier refunds took each tip's own fee share; their sum is close to this proportional share (within a won
    -- per tip), which is what later refunds continue from.
    update settlements set refunded_fee = floor(fee::numeric * refunded_gross / gross)::bigint where refunded_gross > 0;
    alter table settlements add constraint settlements_refunded_range
      check (refunded_gross >= 0 and refunded_gross <= gross and refunded_fee >= 0 and refunded_fee <= fee);

    -- A dispute that withdrew funds names the ledger transaction that reversed the tip for it (none when the tip
    -- had been refunded already); winning it posts the opposite once (kind dispute_won), recredited_at says when.
    alter table disputes add column reversal_key text;
    alter table disputes add column recredited_at timestamptz;
    alter table ledger_transactions drop constraint ledger_transactions_kind_check;
    alter table ledger_transactions add constraint ledger_transactions_kind_check
      check (kind in ('topup', 'tip', 'settlement', 'release', 'payout', 'payout_paid', 'payout_reversal', 'refund',
                      'payout_withholding', 'dispute_won'));
  `).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    -- Only possible while no won dispute was booked (the journal is append-only).
    alter table ledger_transactions drop constraint ledger_transactions_kind_check;
    alter table ledger_transactions add constraint ledger_transactions_kind_check
      check (kind in ('topup', 'tip', 'settlement', 'release', 'payout', 'payout_paid', 'payout_reversal', 'refund',
                      'payout_withholding'));
    alter table disputes drop column recredited_at;
    alter table disputes drop column reversal_key;
    alter table settlements drop constraint settlements_refunded_range;
    alter table settlements drop column refunded_fee;
    alter table settlements drop column refunded_gross;
    alter table tips drop constraint tips_refunded_in_full;
    alter table tips drop constraint tips_refunded_amount_range;
    alter table tips drop column refunded_amount;
  `).execute(db);
}
