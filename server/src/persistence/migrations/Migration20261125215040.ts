import { Migration } from '@mikro-orm/migrations';

export class Migration20261125215040 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index "orders_account_id_token_index" on "orders" ("account_id", "token");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "orders_account_id_token_index";`);
  }
}
