// The money model: accounts, a double-entry journal the database itself keeps balanced and append-only,
// and the business records whose movements it carries (payments, tips, settlements, payouts).
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    create table accounts (
      id bigserial primary key,
      code text not null unique,
      owner_type text not null check (owner_type in ('fan', 'creator', 'platform', 'provider')),
      owner_id bigint,
      purpose text not null
        check (purpose in ('wallet', 'pending', 'available', 'in_transit', 'fees', 'tips_in_flight', 'clearing')),
      currency char(3) not null check (currency in ('KRW', 'USD')),
      -- Kept equal to the sum of the account's entries, in the same transaction, where caches_balance is set.
      -- Hot shared accounts (tips in flight, clearing, fees) do not cache: updating one row per tip would
      -- make every tip wait on it.
      balance bigint not null default 0,
      caches_balance boolean not null,
      allow_negative boolean not null default false,
      created_at timestamptz not null default now(),
      unique (id, currency),
      check (caches_balance or balance = 0),
      check (allow_negative or balance >= 0)
    );
    create index accounts_owner_idx on accounts (owner_type, owner_id);

    create table ledger_transactions (
      id bigserial primary key,
      -- The business id of the event (tip:…, settlement:…); unique, so nothing is ever posted twice.
      key text not null unique,
      kind text not null check (kind in ('topup', 'tip', 'settlement', 'release', 'payout', 'payout_paid',
        'payout_reversal', 'refund')),
      occurred_at timestamptz not null default now(),
      recorded_at timestamptz not null default now()
    );

    create table ledger_entries (
      id bigserial primary key,
      transaction_id bigint not null references ledger_transactions (id),
      account_id bigint not null,
      currency char(3) not null,
      amount bigint not null check (amount <> 0),
      foreign key (account_id, currency) references accounts (id, currency)
    );
    create index ledger_entries_transaction_idx on ledger_entries (transaction_id);
    create index ledger_entries_account_idx on ledger_entries (account_id);

    -- Refuse, at commit, any transaction whose entries do not sum to zero per currency or that has none.
    create function ledger_check_balanced() returns trigger language plpgsql as $$
    declare
      bad record;
    begin
      select currency, sum(amount) as total into bad
        from ledger_entries where transaction_id = new.transaction_id
        group by currency having sum(amount) <> 0 limit 1;
      if found then
        raise exception 'ledger transaction % is unbalanced: % % left over', new.transaction_id, bad.total, bad.currency
          using errcode = '23514';
      end if;
      return null;
    end $$;
    create constraint trigger ledger_entries_balanced after insert on ledger_entries
      deferrable initially deferred for each row execute function ledger_check_balanced();

    create function ledger_check_has_entries() returns trigger language plpgsql as $$
    begin
      if (select count(*) from ledger_entries where transaction_id = new.id) < 2 then
        raise exception 'ledger transaction % has fewer than two entries', new.id using errcode = '23514';
      end if;
      return null;
    end $$;
    create constraint trigger ledger_transactions_have_entries after insert on ledger_transactions
      deferrable initially deferred for each row execute function ledger_check_has_entries();

    -- The journal is append-only: a correction is a new transaction that reverses the old one.
    create function ledger_refuse_change() returns trigger language plpgsql as $$
    begin
      raise exception 'the ledger is append-only (% on %)', tg_op, tg_table_name using errcode = '42501';
    end $$;
    create trigger ledger_entries_append_only before update or delete on ledger_entries
      for each row execute function ledger_refuse_change();
    create trigger ledger_transactions_append_only before update or delete on ledger_transactions
      for each row execute function ledger_refuse_change();

    -- Shared platform accounts, one per currency.
    insert into accounts (code, owner_type, purpose, currency, caches_balance, allow_negative)
    select kind.owner_type || ':' || kind.purpose || ':' || cur.currency, kind.owner_type, kind.purpose, cur.currency,
           false, kind.allow_negative
      from (values ('platform', 'fees', false), ('platform', 'tips_in_flight', false), ('provider', 'clearing', true))
             as kind(owner_type, purpose, allow_negative)
     cross join (values ('KRW'), ('USD')) as cur(currency);

    -- A card payment at the provider: a wallet top-up or a guest's card tip.
    create table payments (
      id uuid primary key default gen_random_uuid(),
      provider text not null,
      provider_payment_id text,
      purpose text not null check (purpose in ('topup', 'tip')),
      user_id bigint references users (id),
      creator_id bigint references creators (id),
      amount bigint not null check (amount > 0),
      currency char(3) not null check (currency in ('KRW', 'USD')),
      status text not null default 'pending' check (status in ('pending', 'succeeded', 'failed', 'refunded')),
      failure_code text,
      details jsonb not null default '{}',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (provider, provider_payment_id)
    );
    create index payments_user_idx on payments (user_id, created_at desc);

    create table settlements (
      id bigserial primary key,
      creator_id bigint not null references creators (id),
      currency char(3) not null,
      gross bigint not null check (gross > 0),
      fee bigint not null check (fee >= 0),
      net bigint not null check (net >= 0),
      tip_count integer not null check (tip_count > 0),
      created_at timestamptz not null default now(),
      released_at timestamptz,
      check (net + fee = gross)
    );
    create index settlements_unreleased_idx on settlements (created_at) where released_at is null;
    create index settlements_creator_idx on settlements (creator_id, created_at desc);

    create table tips (
      id uuid primary key,
      fan_id bigint references users (id),
      creator_id bigint not null references creators (id),
      amount bigint not null check (amount > 0),
      currency char(3) not null check (currency in ('KRW', 'USD')),
      message text check (char_length(message) <= 200),
      anonymous boolean not null default false,
      source text not null check (source in ('wallet', 'card')),
      payment_id uuid unique references payments (id),
      status text not null default 'pending' check (status in ('pending', 'settled', 'refunded')),
      settlement_id bigint references settlements (id),
      created_at timestamptz not null default now(),
      settled_at timestamptz,
      refunded_at timestamptz,
      check (status <> 'settled' or settlement_id is not null),
      check ((source = 'card') = (payment_id is not null))
    );
    create index tips_pending_idx on tips (created_at) where status = 'pending';
    create index tips_creator_idx on tips (creator_id, created_at desc);
    create index tips_fan_idx on tips (fan_id, created_at desc);
    create index tips_settlement_idx on tips (settlement_id);

    create table payouts (
      id uuid primary key default gen_random_uuid(),
      creator_id bigint not null references creators (id),
      currency char(3) not null,
      amount bigint not null check (amount > 0),
      -- 2026-W48, 2026-11 or request-2026-11-29: one payout per creator and period.
      period text not null,
      status text not null default 'processing' check (status in ('processing', 'paid', 'failed')),
      provider_transfer_id text,
      failure_reason text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      paid_at timestamptz,
      unique (creator_id, period)
    );
    create index payouts_processing_idx on payouts (created_at) where status = 'processing';

    -- Stored answers of retryable API writes (the Idempotency-Key header), per user.
    create table idempotency_keys (
      user_id bigint not null references users (id),
      key text not null check (char_length(key) between 1 and 255),
      request_hash text not null,
      status_code integer,
      -- Kept as the exact JSON text sent, so a replay is byte-for-byte the first answer.
      response text,
      created_at timestamptz not null default now(),
      primary key (user_id, key)
    );
    create index idempotency_keys_created_idx on idempotency_keys (created_at);

    -- Events written in the same transaction as the money they describe, relayed to Redis afterwards.
    create table outbox (
      id bigserial primary key,
      topic text not null,
      payload jsonb not null,
      created_at timestamptz not null default now(),
      published_at timestamptz
    );
    create index outbox_unpublished_idx on outbox (id) where published_at is null;

    -- Storage of the test-mode payment provider, which stands in for Stripe when no key is configured.
    create table testmode_charges (
      id text primary key,
      idempotency_key text not null unique,
      amount bigint not null,
      currency char(3) not null,
      card_last4 text not null,
      status text not null,
      decline_code text,
      refunded_amount bigint not null default 0,
      created_at timestamptz not null default now()
    );
    create table testmode_refunds (
      id text primary key,
      idempotency_key text not null unique,
      charge_id text not null references testmode_charges (id),
      amount bigint not null,
      created_at timestamptz not null default now()
    );
    create table testmode_transfers (
      id text primary key,
      idempotency_key text not null unique,
      amount bigint not null,
      currency char(3) not null,
      destination text not null,
      created_at timestamptz not null default now()
    );
  `).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    drop table testmode_transfers; drop table testmode_refunds; drop table testmode_charges; drop table outbox; drop table idempotency_keys;
    drop table payouts; drop table tips; drop table settlements; drop table payments;
    drop table ledger_entries; drop table ledger_transactions; drop table accounts;
    drop function ledger_check_balanced(); drop function ledger_check_has_entries(); drop function ledger_refuse_change();
  `).execute(db);
}
