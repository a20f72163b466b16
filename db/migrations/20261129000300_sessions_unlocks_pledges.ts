// Web sign-in sessions, paid-post unlocks and monthly pledges. A tip now says what it pays for.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    -- Server-side sessions; the cookie holds a random token, only its SHA-256 is kept.
    create table sessions (
      id text primary key,
      user_id bigint not null references users (id),
      created_at timestamptz not null default now(),
      expires_at timestamptz not null
    );
    create index sessions_user_idx on sessions (user_id);

    alter table tips add column purpose text not null default 'tip' check (purpose in ('tip', 'unlock', 'pledge'));
    alter table tips add column post_id bigint references posts (id);
    alter table tips add constraint tips_unlock_has_post check ((purpose = 'unlock') = (post_id is not null));

    create table unlocks (
      fan_id bigint not null references users (id),
      post_id bigint not null references posts (id),
      tip_id uuid not null unique references tips (id),
      created_at timestamptz not null default now(),
      primary key (fan_id, post_id)
    );

    create table pledges (
      id bigserial primary key,
      fan_id bigint not null references users (id),
      creator_id bigint not null references creators (id),
      amount bigint not null check (amount > 0),
      currency char(3) not null check (currency in ('KRW', 'USD')),
      status text not null default 'active' check (status in ('active', 'cancelled')),
      created_at timestamptz not null default now(),
      cancelled_at timestamptz
    );
    create unique index pledges_one_active_idx on pledges (fan_id, creator_id) where status = 'active';
    create index pledges_creator_idx on pledges (creator_id);

    -- One row per pledge and month: the monthly job is idempotent by this key.
    create table pledge_charges (
      pledge_id bigint not null references pledges (id),
      month text not null check (month ~ '^[0-9]{4}-[0-9]{2}$'),
      status text not null check (status in ('paid', 'insufficient_funds')),
      tip_id uuid references tips (id),
      created_at timestamptz not null default now(),
      primary key (pledge_id, month),
      check ((status = 'paid') = (tip_id is not null))
    );
  `).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    drop table pledge_charges; drop table pledges; drop table unlocks;
    alter table tips drop constraint tips_unlock_has_post;
    alter table tips drop column post_id; alter table tips drop column purpose;
    drop table sessions;
  `).execute(db);
}
