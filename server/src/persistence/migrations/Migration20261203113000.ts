import { Migration } from '@mikro-orm/migrations';

/**
 * The accounts each audit entry concerns, so readers can be given the entries about the
 * accounts they may see in one indexed test (`account_ids && <their accounts>`). Entries
 * already written get them from what they recorded: an account's entries name it as their
 * entity; a multiplier's before/after hold its masterId and followerId (and any entry that
 * records an accountId names that account). Users, API tokens and the global kill switch
 * concern no account and keep an empty list. Everyone also reads their own changes, hence the
 * index on user_id beside the GIN index on the accounts.
 */
export class Migration20261203113000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "audit_entries" add column "account_ids" uuid[] not null default '{}';`);
    this.addSql(`
      update "audit_entries" as e set "account_ids" = c.ids
      from (
        select a.id, array_agg(distinct ref::uuid) as ids
        from "audit_entries" as a,
          unnest(array[
            case when a."entity" = 'Account' then a."entity_id" end,
            a."before"->>'accountId', a."after"->>'accountId',
            a."before"->>'masterId', a."after"->>'masterId',
            a."before"->>'followerId', a."after"->>'followerId'
          ]) as ref
        where ref ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
        group by a.id
      ) as c
      where c.id = e.id;`);
    this.addSql(`create index "audit_entries_account_ids_index" on "audit_entries" using gin ("account_ids");`);
    // Readers also get their own changes: `account_ids && … or user_id = …`.
    this.addSql(`create index "audit_entries_user_id_index" on "audit_entries" ("user_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "audit_entries_user_id_index";`);
    this.addSql(`drop index "audit_entries_account_ids_index";`);
    this.addSql(`alter table "audit_entries" drop column "account_ids";`);
  }
}
