// Builds an account's SmartApiBroker from the app's services: credentials opened from the
// account's sealed column at every login (so new ones take effect at the next), and every
// connection-status change written to the account and published to accountStatus, in order,
// and its session shared through the store the bootstrap passes (Redis when REDIS_URL is set).
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import type { Clock } from '../../core/clock.ts';
import type { ConnectionStatus } from '../../core/types.ts';
import type { Orm } from '../../persistence/db.ts';
import { Account } from '../../persistence/entities/account.entity.ts';
import { open, type Keys } from '../../secrets/keys.ts';
import type { SmartApiCredentials } from './session.ts';
import type { SessionStore } from './session-store.ts';
import { SmartApiBroker } from './smartapi-broker.ts';
import type { RateLimiter } from '../../rate-limit/limiter.ts';

/**
 * What building a SmartAPI broker needs: parts from layers below the brokers, and how to
 * record an account's connection status, passed in from above (services/accounts.ts).
 */
export interface SmartApiDeps {
  config: Pick<Config, 'SMARTAPI_ROOT_URL' | 'SMARTAPI_ORDER_WS_URL'>;
  orm: Orm;
  keys: Keys;
  clock: Clock;
  log: Logger;
  recordStatus(accountId: string, status: ConnectionStatus, reason: string | null): Promise<void>;
}

async function loadCredentials(services: SmartApiDeps, accountId: string): Promise<SmartApiCredentials> {
  const row = await services.orm.em.fork().findOne(Account, { id: accountId }, { fields: ['credentialsSealed'] });
  if (!row?.credentialsSealed)
    throw new Error('no SmartAPI credentials are stored for this account: enter the API key, PIN and TOTP secret');
  let parsed: Partial<SmartApiCredentials>;
  try {
    parsed = JSON.parse(open(services.keys.credentials, row.credentialsSealed)) as Partial<SmartApiCredentials>;
  } catch {
    throw new Error('the stored SmartAPI credentials cannot be opened with this SECRET_KEY: enter them again');
  }
  if (!parsed.apiKey || !parsed.pin || !parsed.totpSecret)
    throw new Error('the stored SmartAPI credentials are incomplete: enter them again');
  return { apiKey: parsed.apiKey, pin: parsed.pin, totpSecret: parsed.totpSecret };
}

/** What instances share about SmartAPI accounts (through Redis when REDIS_URL is set): sessions and the rate limiter. */
export interface SmartApiShared {
  sessions?: SessionStore;
  limiter: RateLimiter;
}

/** `shared`: one login serving every instance, and allowances no instance exceeds alone. */
export function createSmartApiBroker(
  services: SmartApiDeps,
  account: Pick<Account, 'id' | 'clientCode'>,
  shared: SmartApiShared,
): SmartApiBroker {
  const log = services.log.child({ broker: 'SMARTAPI' });
  let reports: Promise<void> = Promise.resolve();
  return new SmartApiBroker({
    clientCode: account.clientCode,
    rootUrl: services.config.SMARTAPI_ROOT_URL,
    orderWsUrl: services.config.SMARTAPI_ORDER_WS_URL,
    clock: services.clock,
    log,
    credentials: () => loadCredentials(services, account.id),
    sessionStore: shared.sessions,
    limiter: shared.limiter,
    reportStatus: ({ status, reason }) => {
      reports = reports
        .then(() => services.recordStatus(account.id, status, reason))
        .catch((error: unknown) =>
          log.error({ err: error, clientCode: account.clientCode, status }, 'recording the SmartAPI connection status failed'),
        );
      return reports;
    },
  });
}
