import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../server/src/alerts/alert.ts';
import { AlertDeliverer, type AlertDelivererOptions } from '../../server/src/alerts/deliverer.ts';
import { type AlertServices, enqueueAlert, enqueueAlerts } from '../../server/src/alerts/outbox.ts';
import { createMetrics, type Metrics } from '../../server/src/metrics.ts';
import { type Database, initOrm } from '../../server/src/persistence/db.ts';
import { AlertAttempt, AlertDelivery } from '../../server/src/persistence/entities/index.ts';
import { startAlertReceiver, signatureVerifies, type AlertReceiver } from '../support/alert-receiver.ts';
import { redisUrl, scratchDatabase, usingPostgres } from '../support/database.ts';
import { seedCopyGroup } from '../support/fleet.ts';
import { gqlAt, loginAt, ok } from '../support/gql.ts';
import { capturedLog } from '../support/log-capture.ts';
import { killServerProcesses, startServerProcess, stopServerProcess } from '../support/spawn-server.ts';
import { waitFor } from '../support/wait-for.ts';

// The outbox and its deliverer on a real database, posting to a real HTTP receiver, with
// back-off short enough for a test (injected, as the bootstrap injects the real schedule).

const SECRET = 'alert-test-secret-with-at-least-32-characters';
const quiet = pino({ level: 'silent' });

let database: Awaited<ReturnType<typeof scratchDatabase>>;
let db: Database;
const running: AlertDeliverer[] = [];
const extraOrms: Database[] = [];

beforeAll(async () => {
  database = await scratchDatabase();
  db = await initOrm(database.target);
});
afterEach(async () => {
  for (const deliverer of running.splice(0)) await deliverer.stop();
});
afterAll(async () => {
  for (const extra of extraOrms) await extra.close();
  await db?.close();
  await database?.drop();
});

function services(url: string, orm = db.orm): AlertServices {
  return { orm, config: { ALERT_WEBHOOK_URL: url, ALERT_WEBHOOK_SECRET: SECRET }, log: quiet };
}

let alerts = 0;
/** An alert no other test sends: its text names it. */
function anAlert(): Alert {
  alerts += 1;
  return {
    kind: 'order.failed',
    severity: 'critical',
    text: `test alert ${alerts}`,
    at: new Date().toISOString(),
    orderId: `order-${alerts}`,
  };
}

function startDeliverer(
  url: string,
  options: Partial<AlertDelivererOptions> = {},
  deps: { orm?: Database['orm']; log?: pino.Logger } = {},
): { deliverer: AlertDeliverer; metrics: Metrics } {
  const metrics = createMetrics();
  const deliverer = new AlertDeliverer(
    { orm: deps.orm ?? db.orm, log: deps.log ?? quiet, metrics },
    { url, secret: SECRET, retryDelaysMs: [50], pollMs: 50, ...options },
  );
  running.push(deliverer);
  deliverer.start();
  return { deliverer, metrics };
}

/** The outbox row of the alert whose text is `text`. */
async function rowOf(text: string): Promise<AlertDelivery | undefined> {
  const rows = await db.orm.em.fork().find(AlertDelivery, {});
  return rows.find((row) => row.payload.text === text);
}

async function attemptsOf(deliveryId: string): Promise<AlertAttempt[]> {
  return db.orm.em.fork().find(AlertAttempt, { deliveryId }, { orderBy: { attempt: 'asc' } });
}

async function count(metrics: Metrics, name: 'alertAttempts' | 'alertsUndelivered', outcome?: string): Promise<number> {
  const { values } = await metrics[name].get();
  return values.find((v) => outcome === undefined || v.labels.outcome === outcome)?.value ?? 0;
}

const postsOf = (receiver: AlertReceiver, deliveryId: string) => receiver.posts.filter((post) => post.deliveryId === deliveryId);

describe('the alert outbox', () => {
  it('signs every post: HMAC-SHA256 of "<timestamp>.<raw body>" with ALERT_WEBHOOK_SECRET, the timestamp and delivery id in headers', async () => {
    const receiver = await startAlertReceiver();
    const { metrics } = startDeliverer(receiver.url);
    const alert = anAlert();
    await enqueueAlert(services(receiver.url), alert);

    const post = await waitFor(() => receiver.posts[0], 5_000, 'the alert');
    const row = (await rowOf(alert.text))!;
    expect(post.deliveryId).toBe(row.id);
    expect(post.body).toEqual({ id: row.id, ...alert });
    expect(post.headers['content-type']).toBe('application/json');
    const timestamp = Number(post.headers['x-tandem-timestamp']);
    expect(Number.isInteger(timestamp)).toBe(true);
    expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(300);
    expect(post.headers['x-tandem-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(signatureVerifies(post, SECRET)).toBe(true);
    expect(signatureVerifies(post, 'another-secret-of-at-least-32-characters!')).toBe(false);
    expect(signatureVerifies({ ...post, rawBody: post.rawBody.replace('test alert', 'forged alert') }, SECRET)).toBe(false);

    await waitFor(async () => (await rowOf(alert.text))?.state === 'DELIVERED', 5_000, 'the row to be DELIVERED');
    expect(await rowOf(alert.text)).toMatchObject({ state: 'DELIVERED', attempts: 1, lastError: null, deliveredAt: expect.any(Date) });
    expect(await attemptsOf(row.id)).toEqual([expect.objectContaining({ attempt: 1, httpStatus: 200, error: null })]);
    expect(await count(metrics, 'alertAttempts', 'delivered')).toBe(1);
  });

  it('posts unsigned, with the delivery id and timestamp still, when no secret is set', async () => {
    const receiver = await startAlertReceiver();
    startDeliverer(receiver.url, { secret: null });
    const alert = anAlert();
    await enqueueAlert(services(receiver.url), alert);
    const post = await waitFor(() => receiver.posts[0], 5_000, 'the alert');
    expect(post.headers['x-tandem-signature']).toBeUndefined();
    expect(post.headers['x-tandem-delivery']).toBe(post.body.id);
    expect(post.headers['x-tandem-timestamp']).toMatch(/^\d+$/);
  });

  it('retries a receiver answering 500 twice: the third post, same delivery id and body, is delivered; all three are recorded', async () => {
    const receiver = await startAlertReceiver((_, index) => (index < 2 ? 500 : 200));
    const { metrics } = startDeliverer(receiver.url);
    const alert = anAlert();
    await enqueueAlert(services(receiver.url), alert);

    await waitFor(() => receiver.posts.some((post) => post.answered === 200), 10_000, 'the third post');
    const row = (await rowOf(alert.text))!;
    const posts = postsOf(receiver, row.id);
    expect(posts.map((post) => post.answered)).toEqual([500, 500, 200]);
    expect(posts.map((post) => post.headers['x-tandem-attempt'])).toEqual(['1', '2', '3']);
    expect(new Set(posts.map((post) => post.rawBody)).size).toBe(1);
    for (const post of posts) expect(signatureVerifies(post, SECRET)).toBe(true);

    await waitFor(async () => (await rowOf(alert.text))?.state === 'DELIVERED', 5_000, 'the row to be DELIVERED');
    expect(await rowOf(alert.text)).toMatchObject({ state: 'DELIVERED', attempts: 3, lastError: 'HTTP 500' });
    expect((await attemptsOf(row.id)).map(({ attempt, httpStatus, error }) => ({ attempt, httpStatus, error }))).toEqual([
      { attempt: 1, httpStatus: 500, error: 'HTTP 500' },
      { attempt: 2, httpStatus: 500, error: 'HTTP 500' },
      { attempt: 3, httpStatus: 200, error: null },
    ]);
    expect(await count(metrics, 'alertAttempts', 'failed')).toBe(2);
    expect(await count(metrics, 'alertAttempts', 'delivered')).toBe(1);
  });

  it('delivers to a receiver that was down at first, once it comes up', async () => {
    const receiver = await startAlertReceiver(() => 200, { listening: false });
    startDeliverer(receiver.url);
    const alert = anAlert();
    await enqueueAlert(services(receiver.url), alert);

    await waitFor(async () => ((await rowOf(alert.text))?.attempts ?? 0) >= 1, 5_000, 'a first, failed attempt');
    expect(receiver.posts).toHaveLength(0);
    await receiver.up();
    const post = await waitFor(() => receiver.posts[0], 5_000, 'the alert once the receiver is up');
    expect(post.body.text).toBe(alert.text);

    await waitFor(async () => (await rowOf(alert.text))?.state === 'DELIVERED', 5_000, 'the row to be DELIVERED');
    const attempts = await attemptsOf(post.deliveryId);
    expect(attempts[0]).toMatchObject({ httpStatus: null, error: expect.stringMatching(/ECONNREFUSED/) });
    expect(attempts.at(-1)).toMatchObject({ httpStatus: 200, error: null });
    await receiver.down();
  });

  it('gives up when the receiver never takes it: FAILED, logged at error, counted, and posted no more', async () => {
    const receiver = await startAlertReceiver(() => 503);
    const { log, lines } = capturedLog('warn');
    const { metrics } = startDeliverer(receiver.url, { giveUpAfterMs: 300 }, { log });
    const alert = anAlert();
    await enqueueAlert(services(receiver.url), alert);

    await waitFor(async () => (await rowOf(alert.text))?.state === 'FAILED', 10_000, 'the row to be FAILED');
    const row = (await rowOf(alert.text))!;
    expect(row.attempts).toBeGreaterThanOrEqual(2);
    expect((await attemptsOf(row.id)).every((attempt) => attempt.httpStatus === 503)).toBe(true);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 50, deliveryId: row.id, msg: expect.stringMatching(/^gave up delivering an alert/) }),
    );
    expect(await count(metrics, 'alertsUndelivered')).toBe(1);
    expect(JSON.stringify(lines)).not.toContain(SECRET);

    const posted = postsOf(receiver, row.id).length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(postsOf(receiver, row.id)).toHaveLength(posted);
  });

  it('never sends an alert whose transaction rolled back', async () => {
    const receiver = await startAlertReceiver();
    startDeliverer(receiver.url);
    const rolledBack = anAlert();
    await expect(
      db.orm.em.fork().transactional(async (tx) => {
        await enqueueAlert(services(receiver.url), rolledBack, tx);
        throw new Error('the change that caused it failed');
      }),
    ).rejects.toThrow('the change that caused it failed');
    const committed = anAlert();
    await db.orm.em.fork().transactional((tx) => enqueueAlert(services(receiver.url), committed, tx));

    await waitFor(() => receiver.posts[0], 5_000, 'the committed alert');
    expect(await rowOf(rolledBack.text)).toBeUndefined();
    expect(receiver.posts.map((post) => post.body.text)).toEqual([committed.text]);
  });

  it('a post cut off by a stop is recorded, due again at once, and posted again with the same delivery id', async () => {
    const receiver = await startAlertReceiver(() => 'hang');
    const { deliverer } = startDeliverer(receiver.url, { shutdownGraceMs: 100 });
    const alert = anAlert();
    await enqueueAlert(services(receiver.url), alert);
    const first = await waitFor(() => receiver.posts[0], 5_000, 'the first post');
    await deliverer.stop();
    const row = (await rowOf(alert.text))!;
    expect(row).toMatchObject({ state: 'PENDING', attempts: 1, lastError: expect.stringMatching(/^cut off/) });

    receiver.answer(() => 200);
    startDeliverer(receiver.url);
    const again = await waitFor(() => receiver.posts.find((post) => post.answered === 200), 5_000, 'the second post');
    expect(again.deliveryId).toBe(first.deliveryId);
    await waitFor(async () => (await rowOf(alert.text))?.state === 'DELIVERED', 5_000, 'the row to be DELIVERED');
    await receiver.down();
  });

  it('two deliverers on one outbox (two instances) post each alert once', async () => {
    const receiver = await startAlertReceiver();
    // On PostgreSQL each has its own connections, as two processes would; PGlite has one connection to share.
    let second = db.orm;
    if (usingPostgres) {
      const other = await initOrm(database.target, { migrate: false });
      extraOrms.push(other);
      second = other.orm;
    }
    const batch = Array.from({ length: 40 }, anAlert);
    await enqueueAlerts(services(receiver.url), batch);
    startDeliverer(receiver.url, { batchSize: 5 });
    startDeliverer(receiver.url, { batchSize: 5 }, { orm: second });

    await waitFor(() => receiver.posts.length >= batch.length, 10_000, 'every alert');
    await Promise.all(running.map((deliverer) => deliverer.idle()));
    expect(receiver.posts).toHaveLength(batch.length);
    expect(new Set(receiver.posts.map((post) => post.deliveryId)).size).toBe(batch.length);
    expect(receiver.posts.map((post) => post.body.text).sort()).toEqual(batch.map((alert) => alert.text).sort());
  });
});

describe('a Tandem process stopped before its alert was delivered', () => {
  const ADMIN = { email: 'alerts@test.local', password: 'alerts-test-password-1' };
  let dataDir: string | null = null;
  let processDatabase: Awaited<ReturnType<typeof scratchDatabase>> | null = null;
  afterAll(async () => {
    await killServerProcesses();
    await processDatabase?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('leaves it in the outbox, and the next start on the same database delivers it, same delivery id and body', async () => {
    const receiver = await startAlertReceiver(() => 'hang');
    const env: Record<string, string> = {
      SECRET_KEY: 'alerts-test-secret-key-with-32-characters-or-more',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      ALERT_WEBHOOK_URL: receiver.url,
      ALERT_WEBHOOK_SECRET: SECRET,
      PAPER_TICK_MS: '100',
    };
    if (usingPostgres) {
      processDatabase = await scratchDatabase();
      env.DATABASE_URL = processDatabase.url!;
    } else {
      dataDir = mkdtempSync(path.join(tmpdir(), 'tandem-alerts-'));
      env.DATA_DIR = dataDir;
    }
    if (redisUrl) Object.assign(env, { REDIS_URL: redisUrl, REDIS_PREFIX: `alerts-${process.pid}-${Date.now()}:` });
    const { masterId, followerIds } = await seedCopyGroup(env, ADMIN.email, 'ALRT', 1);

    // 1. A copy skipped by the follower's kill switch: an alert, whose post the receiver holds unanswered.
    const first = startServerProcess(env);
    const url = await first.url;
    const token = await loginAt(url, ADMIN.email, ADMIN.password);
    ok(await gqlAt(url, 'mutation($id: ID!) { setKillSwitch(accountId: $id, engaged: true) { engaged } }', { id: followerIds[0] }, token));
    ok(
      await gqlAt(
        url,
        'mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }',
        {
          i: {
            accountId: masterId,
            exchange: 'NSE',
            symbol: 'SBIN-EQ',
            side: 'BUY',
            quantity: 1,
            orderType: 'MARKET',
            productType: 'INTRADAY',
          },
        },
        token,
      ),
    );
    const held = await waitFor(() => receiver.posts[0], 20_000, 'the first post of the alert');
    expect(held.body).toMatchObject({ kind: 'copy.skipped', severity: 'warning', text: expect.stringMatching(/kill switch/) });
    expect((await stopServerProcess(first)).code, first.stderr()).toBe(0);
    expect(first.stdout() + first.stderr()).not.toContain(SECRET);

    // 2. The receiver answers now; the next start delivers what the outbox kept.
    receiver.answer(() => 200);
    const second = startServerProcess(env);
    await second.url;
    const delivered = await waitFor(() => receiver.posts.find((post) => post.answered === 200), 30_000, 'the alert after the restart');
    expect(delivered.deliveryId).toBe(held.deliveryId);
    expect(delivered.rawBody).toBe(held.rawBody);
    expect(signatureVerifies(delivered, SECRET)).toBe(true);
    expect((await stopServerProcess(second)).code, second.stderr()).toBe(0);
    await receiver.down();

    const after = await initOrm(usingPostgres ? processDatabase!.target : { kind: 'pglite', dataDir: dataDir! }, { migrate: false });
    try {
      const row = await after.orm.em.fork().findOneOrFail(AlertDelivery, { id: held.deliveryId });
      expect(row).toMatchObject({ state: 'DELIVERED', attempts: 2 });
      const attempts = await after.orm.em.fork().find(AlertAttempt, { deliveryId: row.id }, { orderBy: { attempt: 'asc' } });
      expect(attempts.map(({ httpStatus, error }) => ({ httpStatus, error }))).toEqual([
        { httpStatus: null, error: expect.stringMatching(/^cut off/) },
        { httpStatus: 200, error: null },
      ]);
    } finally {
      await after.close();
    }
  }, 180_000);
});
