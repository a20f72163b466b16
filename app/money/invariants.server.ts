// The invariants of DESIGN.md, checked against the database with set-based SQL. `npm run ledger:check` prints
// them; integration tests run them at their end. Each check lists up to 20 offending rows.
import { sql, type RawBuilder } from "kysely";
import type { DB } from "../../db/client";
import { verifyChain } from "./transparency.server";

export interface InvariantResult {
  id: number;
  name: string;
  status: "OK" | "FAIL" | "SKIP";
  problems: string[];
}

type Check = { id: number; name: string; queries: { label: string; query: RawBuilder<Record<string, unknown>> }[]; skip?: string };

const LIMIT = 20;

const CHECKS: Check[] = [
  {
    id: 1,
    name: "Each ledger transaction sums to zero per currency",
    queries: [
      {
        label: "unbalanced transaction",
        query: sql`select transaction_id, currency, sum(amount) as left_over from ledger_entries
                   group by transaction_id, currency having sum(amount) <> 0 limit ${LIMIT}`,
      },
      {
        label: "transaction with fewer than two entries",
        query: sql`select t.id, t.key, count(e.id) as entries from ledger_transactions t
                   left join ledger_entries e on e.transaction_id = t.id group by t.id having count(e.id) < 2 limit ${LIMIT}`,
      },
    ],
  },
  {
    id: 2,
    name: "Each cached balance equals the sum of its account's entries",
    queries: [
      {
        label: "cached balance differs",
        query: sql`select a.code, a.balance, coalesce(sum(e.amount), 0) as entries from accounts a
                   left join ledger_entries e on e.account_id = a.id where a.caches_balance
                   group by a.id having a.balance <> coalesce(sum(e.amount), 0) limit ${LIMIT}`,
      },
    ],
  },
  {
    id: 3,
    name: "No fan wallet below zero; a creator below zero only by chargeback, and then no payout",
    queries: [
      {
        label: "account below zero that may not be",
        query: sql`select a.code, coalesce(sum(e.amount), 0) as entries from accounts a
                   left join ledger_entries e on e.account_id = a.id where not a.allow_negative
                   group by a.id having coalesce(sum(e.amount), 0) < 0 limit ${LIMIT}`,
      },
      {
        label: "creator below zero without a refund",
        query: sql`select a.code, a.balance from accounts a where a.owner_type = 'creator' and a.balance < 0
                   and not exists (select 1 from ledger_entries e join ledger_transactions t on t.id = e.transaction_id
                                    where e.account_id = a.id and t.kind = 'refund') limit ${LIMIT}`,
      },
      {
        label: "payout in progress while the creator is below zero",
        query: sql`select p.id, p.creator_id from payouts p where p.status = 'processing' and exists
                   (select 1 from accounts a where a.owner_type = 'creator' and a.owner_id = p.creator_id
                     and a.purpose in ('pending', 'available') and a.balance < 0
                     and exists (select 1 from ledger_entries e join ledger_transactions t on t.id = e.transaction_id
                                  where e.account_id = a.id and t.kind = 'refund' and t.recorded_at < p.created_at))
                   limit ${LIMIT}`,
      },
    ],
  },
  {
    id: 4,
    name: "Each tip is in at most one settlement; a settlement's gross equals the sum of its tips; net + fee = gross",
    queries: [
      {
        label: "tip without its ledger transaction",
        query: sql`select tips.id from tips left join ledger_transactions t on t.key = 'tip:' || tips.id
                   where t.id is null limit ${LIMIT}`,
      },
      {
        label: "settled tip without a settlement",
        query: sql`select id from tips where status = 'settled' and settlement_id is null limit ${LIMIT}`,
      },
      {
        label: "settlement whose gross or count differs from its tips",
        query: sql`select s.id, s.gross, s.tip_count, coalesce(sum(t.amount), 0) as tips_total, count(t.id) as tips
                   from settlements s left join tips t on t.settlement_id = s.id
                   group by s.id having s.gross <> coalesce(sum(t.amount), 0) or s.tip_count <> count(t.id)
                   limit ${LIMIT}`,
      },
      {
        label: "settlement whose net + fee differs from gross",
        query: sql`select id, gross, fee, net from settlements where net + fee <> gross limit ${LIMIT}`,
      },
      {
        label: "settlement not posted exactly as recorded",
        query: sql`select s.id from settlements s
                   left join ledger_transactions t on t.key = 'settlement:' || s.id
                   left join ledger_entries e on e.transaction_id = t.id
                   left join accounts a on a.id = e.account_id
                   group by s.id
                   having coalesce(sum(e.amount) filter (where a.purpose = 'tips_in_flight'), 0) <> -s.gross
                       or coalesce(sum(e.amount) filter (where a.purpose = 'pending' and a.owner_id = s.creator_id), 0) <> s.net
                       or coalesce(sum(e.amount) filter (where a.purpose = 'fees'), 0) <> s.fee
                   limit ${LIMIT}`,
      },
      {
        label: "tips in flight differ from the pending and held tips",
        query: sql`select a.currency, coalesce((select sum(amount) from ledger_entries where account_id = a.id), 0) as in_flight,
                          coalesce((select sum(amount) from tips where status in ('pending', 'held') and currency = a.currency), 0) as pending_tips
                   from accounts a where a.purpose = 'tips_in_flight'
                   and coalesce((select sum(amount) from ledger_entries where account_id = a.id), 0)
                       <> coalesce((select sum(amount) from tips where status in ('pending', 'held') and currency = a.currency), 0)`,
      },
    ],
  },
  {
    id: 5,
    name: "Paid out ≤ released; each payout transferred at most once, less exactly its withholding",
    queries: [
      {
        label: "creator paid out more than was released",
        query: sql`select p.creator_id, p.currency, sum(p.amount) as paid_out,
                          coalesce((select sum(net) from settlements s where s.creator_id = p.creator_id
                                    and s.currency = p.currency and s.released_at is not null), 0) as released
                   from payouts p where p.status not in ('failed', 'reversed') group by p.creator_id, p.currency
                   having sum(p.amount) > coalesce((select sum(net) from settlements s where s.creator_id = p.creator_id
                                    and s.currency = p.currency and s.released_at is not null), 0) limit ${LIMIT}`,
      },
      {
        label: "payout whose ledger postings do not match its status",
        query: sql`select p.id, p.status from payouts p
                   where not exists (select 1 from ledger_transactions where key = 'payout:' || p.id)
                      or (p.status in ('paid', 'reversed')) <> exists (select 1 from ledger_transactions where key = 'payout_paid:' || p.id)
                      or (p.status in ('failed', 'reversed')) <> exists (select 1 from ledger_transactions where key = 'payout_reversal:' || p.id)
                      or (p.status in ('paid', 'reversed') and p.withholding_income_tax + p.withholding_local_tax > 0)
                         <> exists (select 1 from ledger_transactions where key = 'payout_withholding:' || p.id)
                   limit ${LIMIT}`,
      },
      {
        // The Korean rule of app/money/withholding.ts: income tax floor(P × 3 % / 10) × 10, local tax
        // floor(income tax × 10 % / 10) × 10; nothing for a business or outside KRW.
        label: "payout withholding differs from the rule",
        query: sql`select p.id, p.amount, p.currency, p.withholding_income_tax, p.withholding_local_tax from payouts p
                   where (p.withholding_income_tax, p.withholding_local_tax) <> (0, 0)
                     and (p.currency <> 'KRW'
                          or p.withholding_income_tax <> p.amount * 3 / 1000 * 10
                          or p.withholding_local_tax <> p.withholding_income_tax / 100 * 10)
                   limit ${LIMIT}`,
      },
      {
        label: "payout paid or withheld other amounts than recorded",
        query: sql`select p.id, p.amount, p.withholding_income_tax + p.withholding_local_tax as withheld from payouts p
                   where p.status in ('paid', 'reversed') and (
                     coalesce((select sum(e.amount) from ledger_entries e join ledger_transactions t on t.id = e.transaction_id
                                 join accounts a on a.id = e.account_id
                                where t.key = 'payout_paid:' || p.id and a.purpose = 'clearing'), 0)
                       <> p.amount - p.withholding_income_tax - p.withholding_local_tax
                     or coalesce((select sum(e.amount) from ledger_entries e join ledger_transactions t on t.id = e.transaction_id
                                 join accounts a on a.id = e.account_id
                                where t.key = 'payout_withholding:' || p.id and a.purpose = 'tax_payable'), 0)
                       <> p.withholding_income_tax + p.withholding_local_tax)
                   limit ${LIMIT}`,
      },
      {
        label: "settlement covered by a payout that failed or was reversed",
        query: sql`select s.id, s.payout_id, p.status from settlements s join payouts p on p.id = s.payout_id
                   where p.status in ('failed', 'reversed') or s.released_at is null limit ${LIMIT}`,
      },
      {
        label: "paid payout without exactly one matching transfer",
        query: sql`select p.id, count(tr.id) as transfers from payouts p
                   left join testmode_transfers tr on tr.idempotency_key = 'payout:' || p.id
                         and tr.amount = p.amount - p.withholding_income_tax - p.withholding_local_tax
                   where p.status = 'paid' and p.provider_transfer_id like 'tr_test_%'
                   group by p.id having count(tr.id) <> 1 limit ${LIMIT}`,
      },
      {
        label: "transfer for a payout that was not paid",
        query: sql`select tr.id, tr.idempotency_key from testmode_transfers tr
                   left join payouts p on 'payout:' || p.id = tr.idempotency_key
                   where p.id is null or p.status = 'failed' limit ${LIMIT}`,
      },
    ],
  },
  {
    id: 6,
    name: "Each provider object and event takes effect at most once",
    queries: [
      {
        label: "succeeded top-up not credited exactly once",
        query: sql`select p.id from payments p where p.purpose = 'topup'
                   and (p.status in ('succeeded', 'refunded')) <> exists (select 1 from ledger_transactions where key = 'topup:' || p.id)
                   limit ${LIMIT}`,
      },
      {
        label: "card tip payment not recorded as exactly one tip",
        query: sql`select p.id, p.status, count(t.id) as tips from payments p left join tips t on t.payment_id = p.id
                   where p.purpose = 'tip' group by p.id
                   having count(t.id) <> case when p.status in ('succeeded', 'refunded') then 1 else 0 end limit ${LIMIT}`,
      },
      {
        label: "test-mode charge used by more than one payment",
        query: sql`select provider_payment_id, count(*) from payments where provider = 'testmode'
                   group by provider_payment_id having count(*) > 1 limit ${LIMIT}`,
      },
      {
        label: "refunded payment not reversed exactly once",
        query: sql`select p.id, p.purpose from payments p left join tips t on t.payment_id = p.id
                   where p.status = 'refunded' and case when p.purpose = 'tip' then t.status is distinct from 'refunded'
                     else not exists (select 1 from ledger_transactions where key = 'topup_refund:' || p.id) end
                   limit ${LIMIT}`,
      },
      {
        label: "top-up reversed although not refunded",
        query: sql`select p.id, p.status from payments p where p.status <> 'refunded'
                   and exists (select 1 from ledger_transactions where key = 'topup_refund:' || p.id) limit ${LIMIT}`,
      },
    ],
  },
];

const CHAIN_CHECK = { id: 7, name: "The transparency chain verifies" };

export async function checkInvariants(db: DB): Promise<InvariantResult[]> {
  const results: InvariantResult[] = [];
  for (const check of CHECKS) {
    if (check.skip) {
      results.push({ id: check.id, name: check.name, status: "SKIP", problems: [check.skip] });
      continue;
    }
    const problems: string[] = [];
    for (const { label, query } of check.queries) {
      const { rows } = await query.execute(db);
      for (const row of rows) problems.push(`${label}: ${JSON.stringify(row)}`);
    }
    results.push({ id: check.id, name: check.name, status: problems.length ? "FAIL" : "OK", problems });
  }
  const chain = await verifyChain(db);
  results.push({ ...CHAIN_CHECK, status: chain.ok ? "OK" : "FAIL", problems: chain.ok ? [] : [`first bad block ${chain.firstBadBlock}: ${chain.problem}`] });
  return results;
}

export function formatInvariantReport(results: InvariantResult[]) {
  return results
    .map((r) => [`${r.status.padEnd(4)} ${r.id}. ${r.name}`, ...r.problems.map((p) => `       ${p}`)].join("\n"))
    .join("\n");
}
