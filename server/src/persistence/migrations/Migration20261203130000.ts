import { Migration } from '@mikro-orm/migrations';

// Orders are listed and exported newest first by (created_at, id), a page at a time: without an
// index on that order every page sorted the whole table (an export of 100,000 orders read them
// about a hundred times over).
export class Migration20261203130000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index "orders_created_at_id_index" on "orders" ("created_at", "id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "orders_created_at_id_index";`);
  }
}
