// Users, their API tokens, creators and paid posts.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    create table users (
      id bigserial primary key,
      email text not null,
      password_hash text not null,
      display_name text not null check (char_length(display_name) between 1 and 60),
      role text not null default 'fan' check (role in ('fan', 'admin')),
      created_at timestamptz not null default now()
    );
    create unique index users_email_key on users (lower(email));

    -- Bearer tokens for the JSON API; only a SHA-256 of the token is kept.
    create table api_tokens (
      id bigserial primary key,
      user_id bigint not null references users (id),
      token_hash text not null unique,
      created_at timestamptz not null default now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    );
    create index api_tokens_user_idx on api_tokens (user_id);

    create table creators (
      id bigserial primary key,
      user_id bigint not null unique references users (id),
      handle text not null unique check (handle ~ '^[a-z0-9_]{3,30}$'),
      display_name text not null check (char_length(display_name) between 1 and 60),
      bio text not null default '' check (char_length(bio) <= 1000),
      avatar_url text,
      category text not null default 'art'
        check (category in ('music', 'art', 'writing', 'webtoon', 'streaming', 'busking')),
      currency char(3) not null check (currency in ('KRW', 'USD')),
      goal_title text,
      goal_amount bigint check (goal_amount > 0),
      payout_schedule text not null default 'weekly' check (payout_schedule in ('weekly', 'monthly')),
      payout_minimum bigint not null check (payout_minimum > 0),
      created_at timestamptz not null default now()
    );

    create table posts (
      id bigserial primary key,
      creator_id bigint not null references creators (id),
      slug text not null check (slug ~ '^[a-z0-9-]{1,80}$'),
      kind text not null check (kind in ('article', 'webtoon', 'episode')),
      title text not null,
      preview text not null default '',
      body text not null default '',
      price bigint not null check (price > 0),
      currency char(3) not null check (currency in ('KRW', 'USD')),
      published_at timestamptz not null default now(),
      unique (creator_id, slug)
    );
  `).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`drop table posts; drop table creators; drop table api_tokens; drop table users;`).execute(db);
}
