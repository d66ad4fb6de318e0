import { graphql } from '../../graphql/graphql.ts';
import { subscribe } from '../../graphql/operations.ts';
import type { AccountStatusUpdate } from './account-status.ts';

const ACCOUNT_STATUS = graphql(`subscription AccountStatus { accountStatus { accountId status statusReason at } }`);
const RETRY_MS = 3000;

/**
 * Follows `accountStatus` for as long as the page shows. Status events are not replayed, so
 * after a drop it listens again and then calls `resync` to read the accounts afresh (listening
 * first, so no change falls between the two). `onLive(false)` while it is reconnecting.
 * Returns the function that stops it.
 */
export function followAccountStatus(handlers: {
  onEvent: (update: AccountStatusUpdate) => void;
  resync: () => Promise<boolean>;
  onLive?: (live: boolean) => void;
}): () => void {
  let stopped = false;
  let stop = () => {};
  let retry: ReturnType<typeof setTimeout> | undefined;
  const listen = () => {
    stop = subscribe(
      ACCOUNT_STATUS,
      {},
      {
        next: (data) => {
          handlers.onLive?.(true);
          handlers.onEvent(data.accountStatus);
        },
        error: () => {
          stop();
          if (stopped) return;
          handlers.onLive?.(false);
          retry = setTimeout(() => {
            listen();
            void handlers.resync().then((ok) => handlers.onLive?.(ok));
          }, RETRY_MS);
        },
      },
    );
  };
  listen();
  return () => {
    stopped = true;
    clearTimeout(retry);
    stop();
  };
}
