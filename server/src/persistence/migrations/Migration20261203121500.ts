import { Migration } from '@mikro-orm/migrations';

// Written by hand (issue 15): the alert outbox and the record of every attempt to post an alert.
export class Migration20261203121500 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "alert_deliveries" ("id" uuid not null, "kind" varchar(48) not null, "severity" varchar(16) not null, "payload" jsonb not null, "state" varchar(16) not null default 'PENDING', "attempts" int not null default 0, "next_attempt_at" timestamptz not null, "last_error" text null, "created_at" timestamptz not null, "delivered_at" timestamptz null, constraint "alert_deliveries_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "alert_deliveries_state_next_attempt_at_index" on "alert_deliveries" ("state", "next_attempt_at");`);
    this.addSql(`create index "alert_deliveries_created_at_index" on "alert_deliveries" ("created_at");`);
    this.addSql(
      `create table "alert_delivery_attempts" ("id" uuid not null, "delivery_id" uuid not null, "attempt" int not null, "at" timestamptz not null, "http_status" int null, "error" text null, "duration_ms" int not null, constraint "alert_delivery_attempts_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "alert_delivery_attempts_delivery_id_index" on "alert_delivery_attempts" ("delivery_id");`);
    this.addSql(
      `alter table "alert_delivery_attempts" add constraint "alert_delivery_attempts_delivery_id_foreign" foreign key ("delivery_id") references "alert_deliveries" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "alert_delivery_attempts" cascade;`);
    this.addSql(`drop table if exists "alert_deliveries" cascade;`);
  }
}
