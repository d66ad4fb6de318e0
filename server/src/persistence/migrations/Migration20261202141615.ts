import { Migration } from '@mikro-orm/migrations';

export class Migration20261202141615 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "audit_entries" add column "api_token_id" uuid null, add column "api_token_name" varchar(100) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "audit_entries" drop column "api_token_id", drop column "api_token_name";`);
  }
}
