import { Migration } from '@mikro-orm/migrations';

export class Migration20261125205655 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "orders" add column "copy_planned_at" timestamptz null;`);
    this.addSql(`create index "orders_master_order_id_index" on "orders" ("master_order_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "orders_master_order_id_index";`);
    this.addSql(`alter table "orders" drop column "copy_planned_at";`);
  }
}
