// Trust: fraud decisions and held tips, the admin audit log, password resets, TOTP second factor with recovery
// codes, and the development mail outbox.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    -- A held tip waits for an admin: still in tips in flight, never claimed by settlement until approved.
    alter table tips drop constraint tips_status_check;
    alter table tips add constraint tips_status_check check (status in ('pending', 'held', 'settled', 'refunded'));
    create index tips_held_idx on tips (created_at) where status = 'held';

    -- Every fraud-rule decision with its reasons, whatever the outcome (a blocked attempt has no tip or payment).
    create table risk_decisions (
      id bigserial primary key,
      action text not null check (action in ('wallet_tip', 'card_tip', 'topup')),
      outcome text not null check (outcome in ('allow', 'hold', 'block')),
      reasons jsonb not null default '[]',
      user_id bigint references users (id),
      creator_id bigint references creators (id),
      ip text,
      card_fingerprint text,
      amount bigint not null check (amount > 0),
      currency char(3) not null check (currency in ('KRW', 'USD')),
      tip_id uuid references tips (id),
      payment_id uuid references payments (id),
      created_at timestamptz not null default now()
    );
    create index risk_decisions_tip_idx on risk_decisions (tip_id) where tip_id is not null;
    create index risk_decisions_payment_idx on risk_decisions (payment_id) where payment_id is not null;
    -- Card-testing blocks are read from here when Redis (which holds them with a TTL) is away.
    create index risk_decisions_blocks_idx on risk_decisions (created_at) where outcome = 'block';

    -- Money-moving admin actions: append only, like the ledger.
    create table admin_actions (
      id bigserial primary key,
      admin_id bigint not null references users (id),
      action text not null check (action in ('approve_tip', 'refund_tip')),
      tip_id uuid references tips (id),
      amount bigint,
      currency char(3),
      outcome text not null,
      created_at timestamptz not null default now()
    );
    create index admin_actions_created_idx on admin_actions (created_at desc);
    create function admin_actions_append_only() returns trigger language plpgsql as $$
      begin raise exception 'admin_actions is append-only'; end $$;
    create trigger admin_actions_append_only before update or delete on admin_actions
      for each row execute function admin_actions_append_only();

    -- Password resets: only the SHA-256 of the token is kept; single use, expiring.
    create table password_resets (
      id text primary key,
      user_id bigint not null references users (id),
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      used_at timestamptz
    );
    create index password_resets_user_idx on password_resets (user_id);

    -- TOTP: the secret is encrypted at rest; last_step refuses a code's step twice.
    alter table users add column totp_secret text;
    alter table users add column totp_pending_secret text;
    alter table users add column totp_enabled_at timestamptz;
    alter table users add column totp_last_step bigint;
    create table recovery_codes (
      id bigserial primary key,
      user_id bigint not null references users (id),
      code_hash text not null,
      created_at timestamptz not null default now(),
      used_at timestamptz,
      unique (user_id, code_hash)
    );

    -- A session or token that proved the second factor (at sign-in, or by confirming enrolment).
    alter table sessions add column second_factor boolean not null default false;
    alter table api_tokens add column second_factor boolean not null default false;

    -- Mail written when no mail server is configured (development and tests): shown at /dev/outbox.
    create table dev_mail (
      id bigserial primary key,
      to_address text not null,
      subject text not null,
      body text not null,
      created_at timestamptz not null default now()
    );
  `).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    drop table dev_mail;
    alter table api_tokens drop column second_factor;
    alter table sessions drop column second_factor;
    drop table recovery_codes;
    alter table users drop column totp_last_step, drop column totp_enabled_at, drop column totp_pending_secret, drop column totp_secret;
    drop table password_resets;
    drop table admin_actions;
    drop function admin_actions_append_only();
    drop table risk_decisions;
    drop index tips_held_idx;
    update tips set status = 'pending' where status = 'held';
    alter table tips drop constraint tips_status_check;
    alter table tips add constraint tips_status_check check (status in ('pending', 'settled', 'refunded'));
  `).execute(db);
}
