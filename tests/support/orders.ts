import { TERMINAL_STATUSES, type OrderStatus } from '../../server/src/core/types.ts';
import { Order } from '../../server/src/persistence/entities/order.entity.ts';
import { gqlAt, ok } from './gql.ts';
import { waitFor, type TestServer } from './harness.ts';

const settled = (status: string) => TERMINAL_STATUSES.has(status as OrderStatus);

/**
 * Polls until a master order has `count` children and every one has settled. More than `count`
 * fails at once: children are never deleted, so a copy made twice would only wait out the time.
 */
async function untilSettled<C extends { status: string }>(
  read: () => Promise<C[]>,
  masterOrderId: string,
  count: number,
  timeoutMs: number,
): Promise<C[]> {
  return waitFor(
    async () => {
      const children = await read();
      if (children.length > count) {
        throw new Error(
          `master order ${masterOrderId} has ${children.length} children, not ${count}: ${children.map((c) => c.status).join(', ')}`,
        );
      }
      return children.length === count && children.every((c) => settled(c.status)) ? children : undefined;
    },
    timeoutMs,
    `the ${count} children of ${masterOrderId} to settle`,
  );
}

/**
 * A master order's children as the API shows them (`status` and `fields`), once all `count` have
 * settled; asked of `at`, a Tandem in process or the base URL of a server process.
 */
export function settledChildren<C extends { status: string } = { status: string }>(
  at: TestServer | string,
  token: string,
  masterOrderId: string,
  options: { fields?: string; count: number; timeoutMs?: number },
): Promise<C[]> {
  const query = `query($id: ID!) { order(id: $id) { children { status ${options.fields ?? ''} } } }`;
  const variables = { id: masterOrderId };
  type Answer = { order: { children: C[] } };
  const read = async () =>
    ok(await (typeof at === 'string' ? gqlAt<Answer>(at, query, variables, token) : at.gql<Answer>(query, variables, token))).order
      .children;
  return untilSettled(read, masterOrderId, options.count, options.timeoutMs ?? 10_000);
}

/** A master order's children as rows, oldest first, once all `count` have settled. */
export function settledChildRows(
  server: TestServer,
  masterOrderId: string,
  options: { count: number; timeoutMs?: number },
): Promise<Order[]> {
  const read = () => server.tandem.services.orm.em.fork().find(Order, { masterOrderId }, { orderBy: { createdAt: 'asc' } });
  return untilSettled(read, masterOrderId, options.count, options.timeoutMs ?? 10_000);
}

/** Waits until no order is still moving, so rows can be compared before and after. A resting order may stay OPEN when `restingAllowed`. */
export async function everyOrderSettled(server: TestServer, options: { restingAllowed?: boolean } = {}): Promise<void> {
  await waitFor(
    async () => {
      const orders = await server.tandem.services.orm.em.fork().find(Order, options.restingAllowed ? { status: { $nin: ['OPEN'] } } : {});
      return orders.every((order) => settled(order.status));
    },
    10_000,
    'every order to settle',
  );
}
