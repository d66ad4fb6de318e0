import { Redis } from 'ioredis';

/**
 * A Redis connection for commands (not pub/sub). Commands fail at once while Redis is down,
 * and after 2 s while it hangs, rather than queueing, so callers fall back instead of
 * stalling an order; it reconnects on its own. Waits up to `readyWithinMs` for the first
 * connection, never failing start-up.
 */
export async function connectRedis(url: string, readyWithinMs = 2_000): Promise<Redis> {
  const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 2_000 });
  redis.on('error', () => undefined); // failures surface on the commands that meet them
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, readyWithinMs);
    timer.unref();
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return redis;
}
