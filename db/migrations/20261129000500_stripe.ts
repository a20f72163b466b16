// Stripe: webhook events stored once by their id and processed by a worker, creators' Connect accounts, disputes,
// notes for creators (a reversed payout), payouts that were paid and then reversed, and a platform account for
// chargeback losses that a fan's wallet could no longer cover.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    -- Every webhook event as received (verified), keyed by the provider's event id: a second delivery of the same
    -- event inserts nothing. A worker applies it and sets processed_at in the same transaction as its effects.
    create table provider_events (
      id text primary key,
      provider text not null default 'stripe',
      type text not null,
      -- The connected account an event is about (Connect endpoints), null for the platform's own events.
      account text,
      livemode boolean not null,
      payload jsonb not null,
      -- When the provider created the event (orders snapshots of one object, e.g. account.updated).
      event_created_at timestamptz not null,
      received_at timestamptz not null default now(),
      processed_at timestamptz,
      -- What processing did ("credited top-up …", "ignored: …"), for people reading the table.
      outcome text,
      attempts integer not null default 0,
      next_attempt_at timestamptz not null default now(),
      error text
    );
    create index provider_events_due_idx on provider_events (next_attempt_at) where processed_at is null;
    create index provider_events_received_idx on provider_events (received_at);

    -- A creator's Stripe Connect Express account. Bank details live at Stripe; this keeps only its status,
    -- as last reported by account.updated (status_at: the creation time of the snapshot applied last).
    create table connect_accounts (
      creator_id bigint not null unique references creators (id),
      stripe_account_id text primary key,
      country char(2) not null,
      charges_enabled boolean not null default false,
      payouts_enabled boolean not null default false,
      transfers_active boolean not null default false,
      details_submitted boolean not null default false,
      requirements_due jsonb not null default '[]',
      status_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    -- Chargebacks as the provider reports them; the tip or top-up they reverse is reversed once, by its own key.
    create table disputes (
      id text primary key,
      payment_id uuid not null references payments (id),
      amount bigint not null check (amount > 0),
      currency char(3) not null,
      reason text,
      status text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      closed_at timestamptz
    );
    create index disputes_payment_idx on disputes (payment_id);

    -- Notes for creators about their money (a payout reversed, a bank payout failed); one per business key.
    create table creator_notices (
      id bigserial primary key,
      creator_id bigint not null references creators (id),
      key text not null unique,
      kind text not null,
      message text not null,
      created_at timestamptz not null default now(),
      read_at timestamptz
    );
    create index creator_notices_creator_idx on creator_notices (creator_id, created_at desc);

    -- A payout that was paid and then reversed by the provider (transfer.reversed): the money is back in available.
    alter table payouts drop constraint payouts_status_check;
    alter table payouts add constraint payouts_status_check check (status in ('processing', 'paid', 'failed', 'reversed'));

    -- What a chargeback on a top-up takes that the fan's wallet no longer holds (already tipped away) is the
    -- platform's loss, booked here so the provider clearing account keeps matching the provider.
    alter table accounts drop constraint accounts_purpose_check;
    alter table accounts add constraint accounts_purpose_check
      check (purpose in ('wallet', 'pending', 'available', 'in_transit', 'fees', 'tips_in_flight', 'clearing', 'losses'));
    insert into accounts (code, owner_type, purpose, currency, caches_balance, allow_negative)
    select 'platform:losses:' || cur.currency, 'platform', 'losses', cur.currency, false, true
      from (values ('KRW'), ('USD')) as cur(currency);
  `).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    -- Only possible while no loss was booked (the journal is append-only).
    delete from accounts where purpose = 'losses';
    alter table accounts drop constraint accounts_purpose_check;
    alter table accounts add constraint accounts_purpose_check
      check (purpose in ('wallet', 'pending', 'available', 'in_transit', 'fees', 'tips_in_flight', 'clearing'));
    alter table payouts drop constraint payouts_status_check;
    alter table payouts add constraint payouts_status_check check (status in ('processing', 'paid', 'failed'));
    drop table creator_notices; drop table disputes; drop table connect_accounts; drop table provider_events;
  `).execute(db);
}
