import { Migration } from '@mikro-orm/migrations';

export class Migration20261125203855 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "audit_entries" ("id" uuid not null, "user_id" uuid null, "action" varchar(64) not null, "entity" varchar(32) not null, "entity_id" varchar(255) null, "before" jsonb null, "after" jsonb null, "created_at" timestamptz not null, constraint "audit_entries_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "audit_entries_created_at_index" on "audit_entries" ("created_at");`);

    this.addSql(
      `create table "event_counter" ("id" int not null, "value" bigint not null, constraint "event_counter_pkey" primary key ("id"));`,
    );

    this.addSql(
      `create table "instruments" ("id" serial primary key, "token" varchar(32) not null, "symbol" varchar(64) not null, "name" varchar(128) not null, "exchange" varchar(16) not null, "instrument_type" varchar(16) not null, "lot_size" int not null, "tick_size" int not null, "freeze_quantity" int null, "expiry" varchar(10) null, "strike" bigint null, "reference_price" bigint null);`,
    );
    this.addSql(`create index "instruments_exchange_symbol_index" on "instruments" ("exchange", "symbol");`);
    this.addSql(`alter table "instruments" add constraint "instruments_exchange_token_unique" unique ("exchange", "token");`);

    this.addSql(
      `create table "order_events" ("cursor" bigint not null, "order_id" uuid not null, "account_id" uuid not null, "master_account_id" uuid null, "status" varchar(24) not null, "kind" varchar(24) not null, "message" text null, "snapshot" jsonb not null, "at" timestamptz not null, constraint "order_events_pkey" primary key ("cursor"));`,
    );
    this.addSql(`create index "order_events_account_id_cursor_index" on "order_events" ("account_id", "cursor");`);
    this.addSql(`create index "order_events_master_account_id_cursor_index" on "order_events" ("master_account_id", "cursor");`);
    this.addSql(`create index "order_events_at_index" on "order_events" ("at");`);

    this.addSql(
      `create table "paper_orders" ("broker_order_id" varchar(32) not null, "client_code" varchar(64) not null, "exchange" varchar(16) not null, "symbol" varchar(64) not null, "token" varchar(32) not null, "side" varchar(4) not null, "quantity" int not null, "filled_quantity" int not null default 0, "average_price" bigint null, "order_type" varchar(24) not null, "product_type" varchar(16) not null, "variety" varchar(16) not null, "price" bigint null, "trigger_price" bigint null, "status" varchar(24) not null, "status_message" text null, "order_tag" varchar(20) null, "release_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "paper_orders_pkey" primary key ("broker_order_id"));`,
    );
    this.addSql(`create index "paper_orders_client_code_order_tag_index" on "paper_orders" ("client_code", "order_tag");`);
    this.addSql(`create index "paper_orders_status_index" on "paper_orders" ("status");`);

    this.addSql(
      `create table "settings" ("key" varchar(64) not null, "value" text not null, constraint "settings_pkey" primary key ("key"));`,
    );

    this.addSql(
      `create table "users" ("id" uuid not null, "email" varchar(255) not null, "password_hash" varchar(255) not null, "role" varchar(16) not null, "created_at" timestamptz not null, constraint "users_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "users" add constraint "users_email_unique" unique ("email");`);

    this.addSql(
      `create table "api_tokens" ("id" uuid not null, "user_id" uuid not null, "name" varchar(100) not null, "scopes" jsonb not null, "token_hash" varchar(64) not null, "prefix" varchar(16) not null, "revoked_at" timestamptz null, "last_used_at" timestamptz null, "created_at" timestamptz not null, constraint "api_tokens_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "api_tokens" add constraint "api_tokens_token_hash_unique" unique ("token_hash");`);

    this.addSql(
      `create table "accounts" ("id" uuid not null, "label" varchar(255) not null, "broker" varchar(16) not null, "role" varchar(16) not null, "client_code" varchar(64) not null, "owner_id" uuid not null, "credentials_sealed" text null, "status" varchar(24) not null default 'DISCONNECTED', "status_reason" text null, "copy_enabled" boolean not null default true, "kill_switch" boolean not null default false, "max_orders_per_day" int null, "max_loss_per_day" bigint null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "accounts_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "accounts" add constraint "accounts_broker_client_code_unique" unique ("broker", "client_code");`);

    this.addSql(
      `create table "multipliers" ("id" uuid not null, "master_id" uuid not null, "follower_id" uuid not null, "mode" varchar(16) not null default 'MULTIPLY', "factor" numeric(14,6) null, "fixed_lots" int null, "max_quantity" int null, "max_order_value" bigint null, "symbols_allow" jsonb not null, "symbols_deny" jsonb not null, "exchanges" jsonb not null, "product_type" varchar(16) null, "copy_amo" boolean not null default true, "copy_modifications" boolean not null default true, "copy_cancellations" boolean not null default true, "zero_quantity_policy" varchar(16) not null default 'SKIP', "paused" boolean not null default false, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "multipliers_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "multipliers" add constraint "multipliers_master_id_follower_id_unique" unique ("master_id", "follower_id");`);

    this.addSql(
      `create table "orders" ("id" uuid not null, "account_id" uuid not null, "master_order_id" uuid null, "multiplier_id" uuid null, "leg" int not null default 0, "exchange" varchar(16) not null, "symbol" varchar(64) not null, "token" varchar(32) not null, "side" varchar(4) not null, "quantity" int not null, "filled_quantity" int not null default 0, "average_price" bigint null, "order_type" varchar(24) not null, "product_type" varchar(16) not null, "variety" varchar(16) not null default 'NORMAL', "price" bigint null, "trigger_price" bigint null, "status" varchar(24) not null default 'PENDING', "broker_status" varchar(255) null, "reason" text null, "broker_order_id" varchar(64) null, "order_tag" varchar(20) null, "origin" varchar(16) not null default 'api', "placed_by_user_id" uuid null, "detected_at" timestamptz null, "exchange_at" timestamptz null, "sent_at" timestamptz null, "acknowledged_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "orders_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "orders_account_id_created_at_index" on "orders" ("account_id", "created_at");`);
    this.addSql(`create index "orders_status_index" on "orders" ("status");`);
    this.addSql(
      `alter table "orders" add constraint "orders_master_order_id_multiplier_id_leg_unique" unique ("master_order_id", "multiplier_id", "leg");`,
    );
    this.addSql(`alter table "orders" add constraint "orders_account_id_broker_order_id_unique" unique ("account_id", "broker_order_id");`);
    this.addSql(`alter table "orders" add constraint "orders_order_tag_unique" unique ("order_tag");`);

    this.addSql(
      `alter table "api_tokens" add constraint "api_tokens_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "accounts" add constraint "accounts_owner_id_foreign" foreign key ("owner_id") references "users" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "multipliers" add constraint "multipliers_master_id_foreign" foreign key ("master_id") references "accounts" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "multipliers" add constraint "multipliers_follower_id_foreign" foreign key ("follower_id") references "accounts" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "orders" add constraint "orders_account_id_foreign" foreign key ("account_id") references "accounts" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "orders" add constraint "orders_master_order_id_foreign" foreign key ("master_order_id") references "orders" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "orders" add constraint "orders_multiplier_id_foreign" foreign key ("multiplier_id") references "multipliers" ("id") on update cascade on delete set null;`,
    );

    // The cursor counter is one row that every event-writing transaction updates last.
    this.addSql(`insert into "event_counter" ("id", "value") values (1, 0);`);
    // Order tags and paper broker order ids come from sequences: unique across processes, no gaps to reuse.
    this.addSql(`create sequence "order_tag_seq" start 1;`);
    this.addSql(`create sequence "paper_order_seq" start 1;`);
  }
}
