import { Migration } from '@mikro-orm/migrations';

export class Migration20261125230214 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "master_leases" ("account_id" uuid not null, "holder" varchar(128) not null, "epoch" int not null, "expires_at" timestamptz not null, constraint "master_leases_pkey" primary key ("account_id"));`,
    );

    this.addSql(
      `alter table "master_leases" add constraint "master_leases_account_id_foreign" foreign key ("account_id") references "accounts" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "master_leases" cascade;`);
  }
}
