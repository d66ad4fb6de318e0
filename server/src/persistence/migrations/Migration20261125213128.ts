import { Migration } from '@mikro-orm/migrations';

export class Migration20261125213128 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "orders" drop constraint "orders_account_id_foreign";`);
    this.addSql(`alter table "orders" drop constraint "orders_master_order_id_foreign";`);

    this.addSql(`alter table "accounts" add column "created_by_id" uuid null;`);
    this.addSql(
      `alter table "accounts" add constraint "accounts_created_by_id_foreign" foreign key ("created_by_id") references "users" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "orders" add constraint "orders_account_id_foreign" foreign key ("account_id") references "accounts" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "orders" add constraint "orders_master_order_id_foreign" foreign key ("master_order_id") references "orders" ("id") on update cascade on delete restrict;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "accounts" drop constraint "accounts_created_by_id_foreign";`);

    this.addSql(`alter table "orders" drop constraint "orders_account_id_foreign";`);
    this.addSql(`alter table "orders" drop constraint "orders_master_order_id_foreign";`);

    this.addSql(`alter table "accounts" drop column "created_by_id";`);

    this.addSql(
      `alter table "orders" add constraint "orders_account_id_foreign" foreign key ("account_id") references "accounts" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "orders" add constraint "orders_master_order_id_foreign" foreign key ("master_order_id") references "orders" ("id") on update cascade on delete cascade;`,
    );
  }
}
