// Recent master orders with their copies, kept from the snapshot and every event after it,
// and the log of events as they arrived (one line per cursor).
import { accountName, formatMs, formatTime, row, statusCell } from './format.js';

const MAX_MASTERS = 50;
const MAX_LOG = 200;

/** Whether `incoming` is at least as new as `held`: a replayed event never rolls a row back past the snapshot. */
function notOlder(incoming, held) {
  return !held || Date.parse(incoming.updatedAt) >= Date.parse(held.updatedAt);
}

export function createOrdersView({ ordersTable, logBody, emptyNote }) {
  /** master order id -> { master, copies: Map<id, order> } */
  const groups = new Map();
  let scheduled = false;

  function groupOf(masterOrder) {
    let group = groups.get(masterOrder.id);
    if (!group) {
      group = { master: masterOrder, copies: new Map() };
      groups.set(masterOrder.id, group);
    } else if (notOlder(masterOrder, group.master)) {
      group.master = masterOrder;
    }
    return group;
  }

  function putOrder(order) {
    // A copy whose master the token may not read stands alone, as its own row.
    if (order.master === undefined || order.master === null || order.master.id === order.id) {
      groupOf(order);
    } else {
      const group = groupOf(order.master);
      if (notOlder(order, group.copies.get(order.id))) group.copies.set(order.id, order);
    }
  }

  function render() {
    scheduled = false;
    const newest = [...groups.values()].sort((a, b) => Date.parse(b.master.createdAt) - Date.parse(a.master.createdAt));
    for (const stale of newest.slice(MAX_MASTERS)) groups.delete(stale.master.id);
    const bodies = newest.slice(0, MAX_MASTERS).map(({ master, copies }) => {
      const tbody = document.createElement('tbody');
      tbody.className = 'master-order';
      tbody.dataset.orderId = master.id;
      tbody.append(
        row(
          [
            formatTime(master.createdAt),
            accountName(master),
            master.symbol,
            master.side,
            master.quantity,
            statusCell(master.status),
            master.filledQuantity,
            formatMs(master.latencyMs),
            master.reason ?? '',
          ],
          'master',
        ),
      );
      for (const copy of [...copies.values()].sort((a, b) => accountName(a).localeCompare(accountName(b)))) {
        tbody.append(
          row(
            [
              '',
              { text: `↳ ${accountName(copy)}`, className: 'copy-account' },
              copy.symbol,
              copy.side,
              copy.quantity,
              statusCell(copy.status),
              copy.filledQuantity,
              formatMs(copy.latencyMs),
              copy.reason ?? '',
            ],
            'copy',
          ),
        );
      }
      return tbody;
    });
    for (const old of [...ordersTable.tBodies]) old.remove();
    ordersTable.append(...bodies);
    emptyNote.hidden = bodies.length > 0;
  }

  function scheduleRender() {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(render);
  }

  return {
    /** The snapshot read at start-up: master orders with their `children`. */
    load(masters) {
      groups.clear();
      logBody.replaceChildren();
      for (const master of masters) {
        groupOf(master);
        for (const child of master.children) putOrder({ ...child, master });
      }
      scheduleRender();
    },
    /** One new event (already checked to be past the last cursor). */
    apply(event) {
      putOrder(event.order);
      const { order } = event;
      logBody.prepend(
        row([
          event.cursor,
          formatTime(event.at),
          event.kind,
          statusCell(event.status),
          `${order.symbol} ${order.side} ${order.quantity}`,
          accountName(order),
          event.message ?? '',
        ]),
      );
      while (logBody.rows.length > MAX_LOG) logBody.lastElementChild.remove();
      scheduleRender();
    },
  };
}
