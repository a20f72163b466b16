// Money people can trust: fans' spending caps (with a cooling-off period for raising them), Korean withholding on
// creators' payouts (a tax-payable platform account, the creator's tax status, what each payout withheld and which
// settlements it covers), each payout's state history, admin alerts, creators' outgoing webhooks with every
// delivery attempt, and personal API tokens with scopes.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    -- A fan's cap per wallet currency and period (a Seoul day or month). amount is the cap in force (null: none).
    -- A raise or removal waits out a cooling-off period: pending_amount (null: removal) applies from pending_from.
    create table spending_caps (
      fan_id bigint not null references users (id),
      currency char(3) not null check (currency in ('KRW', 'USD')),
      period text not null check (period in ('day', 'month')),
      amount bigint check (amount > 0),
      pending_amount bigint check (pending_amount > 0),
      pending_from timestamptz,
      updated_at timestamptz not null default now(),
      primary key (fan_id, currency, period),
      check (pending_amount is null or pending_from is not null)
    );

    -- A month's pledge the fan's own cap refused is recorded like a short wallet (the fan is told, not retried).
    alter table pledge_charges drop constraint pledge_charges_status_check;
    alter table pledge_charges add constraint pledge_charges_status_check
      check (status in ('paid', 'insufficient_funds', 'spending_cap_reached'));

    -- Korean tax status: an individual's payouts in KRW have 3.3 % withheld; a business invoices its own taxes.
    alter table creators add column tax_status text not null default 'individual'
      check (tax_status in ('individual', 'business'));

    -- Withholding is fixed when the payout is reserved; the transfer sends amount minus both taxes.
    alter table payouts add column withholding_income_tax bigint not null default 0 check (withholding_income_tax >= 0);
    alter table payouts add column withholding_local_tax bigint not null default 0 check (withholding_local_tax >= 0);
    alter table payouts add constraint payouts_net_positive check (withholding_income_tax + withholding_local_tax < amount);

    -- The released settlements a payout covers (its statement lists their tips). A failed or reversed payout lets
    -- them go, so the next payout covers them.
    alter table settlements add column payout_id uuid references payouts (id);
    create index settlements_payout_idx on settlements (payout_id);
    create index settlements_uncovered_idx on settlements (creator_id) where payout_id is null and released_at is not null;
    -- Settlements released before this migration: covered by the first payout reserved after their release.
    update settlements s set payout_id = (
      select p.id from payouts p
       where p.creator_id = s.creator_id and p.currency = s.currency and p.status in ('processing', 'paid')
         and p.created_at >= s.released_at
       order by p.created_at limit 1)
     where s.released_at is not null;

    alter table accounts drop constraint accounts_purpose_check;
    alter table accounts add constraint accounts_purpose_check
      check (purpose in ('wallet', 'pending', 'available', 'in_transit', 'fees', 'tips_in_flight', 'clearing', 'losses',
                         'tax_payable'));
    -- Taxes withheld from payouts and owed to the tax office (remitted outside Sodam).
    insert into accounts (code, owner_type, purpose, currency, caches_balance, allow_negative)
    select 'platform:tax_payable:' || cur.currency, 'platform', 'tax_payable', cur.currency, false, true
      from (values ('KRW'), ('USD')) as cur(currency);

    alter table ledger_transactions drop constraint ledger_transactions_kind_check;
    alter table ledger_transactions add constraint ledger_transactions_kind_check
      check (kind in ('topup', 'tip', 'settlement', 'release', 'payout', 'payout_paid', 'payout_reversal', 'refund',
                      'payout_withholding'));

    -- Every state a payout went through, with its time: scheduled (reserved), processing (sent to the provider),
    -- paid, failed, reversed. Each state once per payout.
    create table payout_events (
      id bigserial primary key,
      payout_id uuid not null references payouts (id),
      status text not null check (status in ('scheduled', 'processing', 'paid', 'failed', 'reversed')),
      at timestamptz not null default now(),
      note text,
      unique (payout_id, status)
    );
    insert into payout_events (payout_id, status, at) select id, 'scheduled', created_at from payouts;
    insert into payout_events (payout_id, status, at) select id, 'paid', paid_at from payouts where paid_at is not null;
    insert into payout_events (payout_id, status, at)
    select id, status, updated_at from payouts where status in ('failed', 'reversed');

    -- Things an admin must look at (a payout stuck at the provider); one per business key.
    create table admin_alerts (
      id bigserial primary key,
      key text not null unique,
      kind text not null,
      message text not null,
      details jsonb not null default '{}',
      created_at timestamptz not null default now(),
      resolved_at timestamptz
    );
    create index admin_alerts_open_idx on admin_alerts (created_at) where resolved_at is null;

    -- Creators' own endpoints for signed event deliveries. The signing secret is kept encrypted (AES-256-GCM).
    create table webhook_endpoints (
      id uuid primary key default gen_random_uuid(),
      creator_id bigint not null references creators (id),
      url text not null check (char_length(url) <= 500),
      events text[] not null check (cardinality(events) > 0),
      secret_ciphertext text not null,
      created_at timestamptz not null default now(),
      secret_rotated_at timestamptz,
      deleted_at timestamptz
    );
    create index webhook_endpoints_creator_idx on webhook_endpoints (creator_id) where deleted_at is null;

    -- One event for one endpoint, sent until it succeeds or its attempts run out; replayable.
    create table webhook_deliveries (
      id uuid primary key default gen_random_uuid(),
      endpoint_id uuid not null references webhook_endpoints (id),
      event_id text not null,
      event_type text not null,
      body text not null,
      status text not null default 'pending' check (status in ('pending', 'succeeded', 'failed')),
      attempts integer not null default 0,
      -- Raised by a replay: the delivery job of the previous generation stops, a new one starts.
      generation integer not null default 0,
      created_at timestamptz not null default now(),
      last_attempt_at timestamptz,
      delivered_at timestamptz,
      unique (endpoint_id, event_id)
    );
    create index webhook_deliveries_pending_idx on webhook_deliveries (created_at) where status = 'pending';
    create index webhook_deliveries_endpoint_idx on webhook_deliveries (endpoint_id, created_at desc);

    create table webhook_attempts (
      id bigserial primary key,
      delivery_id uuid not null references webhook_deliveries (id),
      attempted_at timestamptz not null default now(),
      status_code integer,
      error text,
      response_snippet text,
      duration_ms integer not null
    );
    create index webhook_attempts_delivery_idx on webhook_attempts (delivery_id, attempted_at);

    -- Personal tokens for bots and scripts: a name and scopes (read, tips). Sign-in tokens keep scopes null (all).
    alter table api_tokens add column name text;
    alter table api_tokens add column scopes text[];
    alter table api_tokens add constraint api_tokens_scopes_check check (scopes is null or scopes <@ array['read', 'tips']);
  `).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    alter table api_tokens drop constraint api_tokens_scopes_check;
    alter table api_tokens drop column scopes; alter table api_tokens drop column name;
    drop table webhook_attempts; drop table webhook_deliveries; drop table webhook_endpoints;
    drop table admin_alerts; drop table payout_events;
    -- Only possible while no withholding was booked (the journal is append-only).
    alter table ledger_transactions drop constraint ledger_transactions_kind_check;
    alter table ledger_transactions add constraint ledger_transactions_kind_check
      check (kind in ('topup', 'tip', 'settlement', 'release', 'payout', 'payout_paid', 'payout_reversal', 'refund'));
    delete from accounts where purpose = 'tax_payable';
    alter table accounts drop constraint accounts_purpose_check;
    alter table accounts add constraint accounts_purpose_check
      check (purpose in ('wallet', 'pending', 'available', 'in_transit', 'fees', 'tips_in_flight', 'clearing', 'losses'));
    drop index settlements_uncovered_idx; drop index settlements_payout_idx;
    alter table settlements drop column payout_id;
    alter table payouts drop constraint payouts_net_positive;
    alter table payouts drop column withholding_local_tax; alter table payouts drop column withholding_income_tax;
    alter table creators drop column tax_status;
    delete from pledge_charges where status = 'spending_cap_reached';
    alter table pledge_charges drop constraint pledge_charges_status_check;
    alter table pledge_charges add constraint pledge_charges_status_check check (status in ('paid', 'insufficient_funds'));
    drop table spending_caps;
  `).execute(db);
}
