// The transparency log: ledger transactions sealed into hash-chained, signed blocks. A trigger queues each new
// ledger transaction for sealing, so one that commits late (a long settlement batch) is sealed too.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    create table ledger_blocks (
      height bigint primary key check (height >= 0),
      prev_hash text not null,
      merkle_root text not null,
      transaction_count integer not null check (transaction_count > 0),
      sealed_at timestamptz not null,
      hash text not null unique,
      signature text not null,
      key_id text not null
    );

    create table ledger_block_transactions (
      transaction_id bigint primary key references ledger_transactions (id),
      block_height bigint not null references ledger_blocks (height),
      position integer not null,
      -- Opaque public reference (keyed hash), so public pages never show internal ids.
      public_id text not null unique,
      unique (block_height, position)
    );

    create table ledger_unsealed (transaction_id bigint primary key references ledger_transactions (id));

    create function ledger_queue_for_sealing() returns trigger language plpgsql as $$
    begin
      insert into ledger_unsealed (transaction_id) values (new.id);
      return null;
    end $$;
    create trigger ledger_transactions_queue_for_sealing after insert on ledger_transactions
      for each row execute function ledger_queue_for_sealing();

    insert into ledger_unsealed (transaction_id) select id from ledger_transactions;
  `).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    drop trigger ledger_transactions_queue_for_sealing on ledger_transactions;
    drop function ledger_queue_for_sealing();
    drop table ledger_unsealed; drop table ledger_block_transactions; drop table ledger_blocks;
  `).execute(db);
}
