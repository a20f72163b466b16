// Live alert overlays: each creator's rotatable overlay secret and alert preferences, and an index so an overlay
// that reconnects can replay the tips it missed from the outbox (by creator, after the last event id it saw).
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    create table creator_overlays (
      creator_id integer primary key references creators (id) on delete cascade,
      -- A capability URL: whoever holds it sees the alerts, so it is long, random and rotatable.
      secret text not null unique check (length(secret) >= 32),
      min_amount bigint not null default 0 check (min_amount >= 0),
      blocked_words text[] not null default '{}',
      rotated_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    create index outbox_tip_alerts_by_creator on outbox (((payload->>'creatorId')::integer), id)
      where topic = 'tip.created';
  `).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    drop index if exists outbox_tip_alerts_by_creator;
    drop table if exists creator_overlays;
  `).execute(db);
}
