import { Migration } from '@mikro-orm/migrations';

// The leases now cover every watched account (SmartAPI followers too), not only masters:
// renamed in place, so holders and epochs carry over.
export class Migration20261125233221 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "master_leases" rename to "account_leases";`);
    this.addSql(`alter table "account_leases" rename constraint "master_leases_pkey" to "account_leases_pkey";`);
    this.addSql(
      `alter table "account_leases" rename constraint "master_leases_account_id_foreign" to "account_leases_account_id_foreign";`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table "account_leases" rename constraint "account_leases_account_id_foreign" to "master_leases_account_id_foreign";`,
    );
    this.addSql(`alter table "account_leases" rename constraint "account_leases_pkey" to "master_leases_pkey";`);
    this.addSql(`alter table "account_leases" rename to "master_leases";`);
  }
}
