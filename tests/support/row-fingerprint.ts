import type { TestServer } from './harness.ts';

const COUNTED = ['orders', 'order_events', 'paper_orders', 'accounts', 'multipliers', 'users', 'api_tokens', 'audit_entries', 'settings'];
const TOUCHED = ['orders', 'accounts', 'multipliers'];
const FINGERPRINT = `select ${[
  ...COUNTED.map((table) => `(select count(*) from ${table}) as ${table}`),
  ...TOUCHED.map((table) => `(select coalesce(max(updated_at)::text, '') from ${table}) as ${table}_updated`),
  `(select coalesce(max(revoked_at)::text, '') from api_tokens) as api_tokens_revoked`,
  `(select coalesce(string_agg(key || '=' || value, ',' order by key), '') from settings) as setting_values`,
].join(', ')}`;

/**
 * Row counts, the latest change to orders, accounts and multipliers, the latest revocation and
 * every setting (the kill switch): equal before and after a request means it changed nothing.
 */
export async function rowFingerprint(server: TestServer): Promise<Record<string, string>> {
  const [row] = await server.tandem.services.orm.em.fork().getConnection().execute<Record<string, unknown>[]>(FINGERPRINT);
  return Object.fromEntries(Object.entries(row!).map(([key, value]) => [key, String(value)]));
}
