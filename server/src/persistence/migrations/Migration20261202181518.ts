import { Migration } from '@mikro-orm/migrations';

export class Migration20261202181518 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "instances" ("id" varchar(128) not null, "role" varchar(16) not null, "started_at" timestamptz not null, "seen_at" timestamptz not null, constraint "instances_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "instances_seen_at_index" on "instances" ("seen_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "instances" cascade;`);
  }
}
