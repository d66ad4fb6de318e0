import { describe, expect, it } from 'vitest';
import {
  Blotter,
  childSummary,
  compareCursors,
  visibleChildren,
  type BlotterEvent,
  type BlotterOrder,
  type OrderStatus,
} from '../../client/src/features/orders/blotter/blotter.ts';
import { formatLatency, formatRupees, formatTimestamp, humanize } from '../../client/src/ui/format.ts';
import { startResumableStream, type StreamSink, type StreamState } from '../../client/src/features/orders/blotter/resumable-stream.ts';

const MASTER = { id: 'acc-m', label: 'Demo master', clientCode: 'DEMO-MASTER' };
const F1 = { id: 'acc-1', label: 'Follower x1', clientCode: 'DEMO-F1' };
const F2 = { id: 'acc-2', label: 'Follower x2', clientCode: 'DEMO-F2' };

function order(overrides: Partial<BlotterOrder> & { id: string }): BlotterOrder {
  return {
    master: null,
    account: MASTER,
    exchange: 'NSE',
    symbol: 'SBIN-EQ',
    side: 'BUY',
    quantity: 10,
    filledQuantity: 0,
    averagePrice: null,
    status: 'OPEN',
    reason: null,
    latencyMs: null,
    leg: 0,
    createdAt: '2026-11-25T09:30:00.000Z',
    updatedAt: '2026-11-25T09:30:00.000Z',
    ...overrides,
  };
}

const at = (second: number) => `2026-11-25T09:30:${String(second).padStart(2, '0')}.000Z`;

function event(cursor: number, snapshot: BlotterOrder, status: OrderStatus = snapshot.status): BlotterEvent {
  return { cursor: String(cursor), status, order: { ...snapshot, status } };
}

describe('the blotter merging order events', () => {
  it('groups children under their master and shows the newest master first', () => {
    const blotter = new Blotter();
    blotter.applyEvent(event(1, order({ id: 'm1', createdAt: at(1), updatedAt: at(1) })));
    blotter.applyEvent(
      event(2, order({ id: 'c1', master: { id: 'm1' }, account: F1, createdAt: at(2), updatedAt: at(2), status: 'PENDING' })),
    );
    blotter.applyEvent(event(3, order({ id: 'm2', symbol: 'RELIANCE-EQ', createdAt: at(5), updatedAt: at(5) })));
    const rows = blotter.rows();
    expect(rows.map((r) => r.master.id)).toEqual(['m2', 'm1']);
    expect(rows[1]!.children.map((c) => c.id)).toEqual(['c1']);
    expect(blotter.lastCursor).toBe('3');
  });

  it('moves a child through its statuses and ignores an event it already applied', () => {
    const blotter = new Blotter();
    const child = order({ id: 'c1', master: { id: 'm1' }, account: F2, quantity: 20 });
    blotter.addPage([order({ id: 'm1' })]);
    expect(blotter.applyEvent(event(10, { ...child, updatedAt: at(1) }, 'SENT'))).toBe(true);
    expect(blotter.applyEvent(event(11, { ...child, updatedAt: at(2), filledQuantity: 20, averagePrice: 801.5 }, 'FILLED'))).toBe(true);
    // A resumed subscription replays from an older cursor: nothing changes, nothing is shown twice.
    expect(blotter.applyEvent(event(10, { ...child, updatedAt: at(1) }, 'SENT'))).toBe(false);
    expect(blotter.applyEvent(event(11, { ...child, updatedAt: at(2) }, 'FILLED'))).toBe(false);
    const [row] = blotter.rows();
    expect(row!.children).toHaveLength(1);
    expect(row!.children[0]).toMatchObject({ status: 'FILLED', filledQuantity: 20, averagePrice: 801.5 });
  });

  it('compares cursors as numbers, not as text', () => {
    expect(compareCursors('9', '10')).toBe(-1);
    expect(compareCursors('12345678901234567890', '12345678901234567889')).toBe(1);
    expect(compareCursors('007', '7')).toBe(0);
    const blotter = new Blotter();
    blotter.applyEvent(event(9, order({ id: 'm1', status: 'OPEN', updatedAt: at(1) })));
    expect(blotter.applyEvent(event(10, order({ id: 'm1', status: 'FILLED', updatedAt: at(2) })))).toBe(true);
    expect(blotter.get('m1')!.status).toBe('FILLED');
  });

  it('never rolls a status back when a page read earlier arrives after a newer event', () => {
    const blotter = new Blotter();
    blotter.applyEvent(event(5, order({ id: 'm1', updatedAt: at(9) }), 'FILLED'));
    blotter.addPage([
      { ...order({ id: 'm1', status: 'OPEN', updatedAt: at(3) }), children: [order({ id: 'c1', master: { id: 'm1' }, account: F1 })] },
    ]);
    expect(blotter.get('m1')!.status).toBe('FILLED');
    expect(blotter.rows()[0]!.children.map((c) => c.id)).toEqual(['c1']);
  });

  it('orders children as they were placed: time, then leg, then follower', () => {
    const blotter = new Blotter();
    blotter.addPage([
      {
        ...order({ id: 'm1' }),
        children: [
          order({ id: 'c-f2-leg1', master: { id: 'm1' }, account: F2, leg: 1, createdAt: at(2) }),
          order({ id: 'c-f2-leg0', master: { id: 'm1' }, account: F2, leg: 0, createdAt: at(2) }),
          order({ id: 'c-f1', master: { id: 'm1' }, account: F1, createdAt: at(1) }),
        ],
      },
    ]);
    expect(blotter.rows()[0]!.children.map((c) => c.id)).toEqual(['c-f1', 'c-f2-leg0', 'c-f2-leg1']);
  });

  it('names the masters a child points at that have not been read, and shows no row for them yet', () => {
    const blotter = new Blotter();
    blotter.applyEvent(event(1, order({ id: 'c1', master: { id: 'm-old' }, account: F1 })));
    expect(blotter.missingMasters()).toEqual(['m-old']);
    expect(blotter.rows()).toEqual([]);
    blotter.addOrder(order({ id: 'm-old' }));
    expect(blotter.missingMasters()).toEqual([]);
    expect(blotter.rows()[0]!.children.map((c) => c.id)).toEqual(['c1']);
  });

  it('filters by account (master or follower), by status on master or child, and by symbol', () => {
    const blotter = new Blotter();
    blotter.addPage([
      {
        ...order({ id: 'm1', symbol: 'SBIN-EQ', status: 'FILLED', createdAt: at(1) }),
        children: [
          order({ id: 'c1', master: { id: 'm1' }, account: F1, status: 'FILLED' }),
          order({ id: 'c2', master: { id: 'm1' }, account: F2, status: 'SKIPPED', reason: 'kill switch engaged' }),
        ],
      },
      {
        ...order({ id: 'm2', symbol: 'RELIANCE-EQ', status: 'FILLED', createdAt: at(2) }),
        children: [order({ id: 'c3', master: { id: 'm2' }, account: F1, status: 'FILLED' })],
      },
    ]);
    const ids = (rows: ReturnType<Blotter['rows']>) => rows.map((r) => r.master.id);
    expect(ids(blotter.rows({ accountId: F2.id }))).toEqual(['m1']);
    expect(ids(blotter.rows({ accountId: MASTER.id }))).toEqual(['m2', 'm1']);
    expect(ids(blotter.rows({ status: 'SKIPPED' }))).toEqual(['m1']);
    expect(ids(blotter.rows({ symbol: ' reliance-eq ' }))).toEqual(['m2']);
    expect(ids(blotter.rows({ symbol: 'RELIANCE-EQ', status: 'SKIPPED' }))).toEqual([]);
    const row = blotter.rows({ accountId: F2.id })[0]!;
    expect(visibleChildren(row, F2.id).map((c) => c.id)).toEqual(['c2']);
    expect(visibleChildren(row, MASTER.id).map((c) => c.id)).toEqual(['c1', 'c2']);
    expect(childSummary(row.children)).toBe('1 filled, 1 skipped');
    expect(blotter.accounts().map((a) => a.clientCode)).toEqual(['DEMO-MASTER', 'DEMO-F1', 'DEMO-F2']);
  });
});

describe('the blotter for a viewer who cannot read the masters', () => {
  it('shows each order as a row of its own, newest first, with the same filters', () => {
    const blotter = new Blotter();
    blotter.addPage([
      order({ id: 'c1', master: { id: 'm-hidden' }, account: F1, status: 'FILLED', createdAt: at(1) }),
      order({ id: 'c2', master: { id: 'm-hidden-2' }, account: F1, status: 'SKIPPED', reason: 'copying is paused', createdAt: at(2) }),
    ]);
    expect(blotter.rows()).toEqual([]);
    expect(blotter.rows({}, true).map((r) => [r.master.id, r.children.length])).toEqual([
      ['c2', 0],
      ['c1', 0],
    ]);
    expect(blotter.rows({ status: 'SKIPPED' }, true).map((r) => r.master.id)).toEqual(['c2']);
  });
});

describe('formatting for the blotter', () => {
  it('writes rupees with Indian grouping, latency in ms or s, times in IST', () => {
    expect(formatRupees(123456.5)).toBe('₹1,23,456.50');
    expect(formatRupees(null)).toBe('—');
    expect(formatLatency(37.6)).toBe('38 ms');
    expect(formatLatency(1520)).toBe('1.52 s');
    expect(formatLatency(null)).toBe('—');
    expect(formatTimestamp('2026-11-25T09:30:05.000Z', new Date('2026-11-25T12:00:00.000Z'))).toBe('15:00:05');
    // 20:00 UTC on the 24th is already the 25th in IST; the day before shows its date.
    expect(formatTimestamp('2026-11-24T20:00:00.000Z', new Date('2026-11-25T12:00:00.000Z'))).toBe('01:30:00');
    expect(formatTimestamp('2026-11-24T09:30:05.000Z', new Date('2026-11-25T12:00:00.000Z'))).toBe('24 Nov 15:00:05');
    expect(humanize('PARTIALLY_FILLED')).toBe('Partially filled');
  });
});

describe('the resumable order stream', () => {
  interface Opened {
    after: string | null;
    sink: StreamSink<BlotterEvent>;
    closed: boolean;
  }

  function harness() {
    const blotter = new Blotter();
    const opened: Opened[] = [];
    const timers: { run: () => void; ms: number }[] = [];
    const states: StreamState[] = [];
    let gaps = 0;
    const stop = startResumableStream<BlotterEvent>({
      open(after, sink) {
        const o: Opened = { after, sink, closed: false };
        opened.push(o);
        return () => {
          o.closed = true;
        };
      },
      lastCursor: () => blotter.lastCursor,
      onEvent: (e) => blotter.applyEvent(e),
      onGap: () => {
        gaps++;
      },
      onState: (s) => states.push(s),
      setTimer(run, ms) {
        timers.push({ run, ms });
        return () => undefined;
      },
    });
    return { blotter, opened, timers, states, stop, gaps: () => gaps };
  }
  const flush = () => new Promise<void>((resolve) => queueMicrotask(resolve));

  it('starts live only, then reopens from its first cursor so a silent transport retry replays instead of skipping', async () => {
    const h = harness();
    expect(h.opened[0]!.after).toBeNull();
    expect(h.gaps()).toBe(1);
    h.opened[0]!.sink.next(event(41, order({ id: 'm1' })));
    // Once an event shows the stream is up, the page is read again to cover its start.
    expect(h.gaps()).toBe(2);
    await flush();
    expect(h.opened[0]!.closed).toBe(true);
    expect(h.opened[1]!.after).toBe('41');
    expect(h.gaps()).toBe(2);
    h.stop();
  });

  it('after a drop resumes from the last cursor applied and shows nothing twice', async () => {
    const h = harness();
    h.opened[0]!.sink.next(event(1, order({ id: 'm1', updatedAt: at(1) })));
    await flush();
    const second = h.opened[1]!;
    second.sink.next(event(2, order({ id: 'c1', master: { id: 'm1' }, account: F1, updatedAt: at(2) }), 'SENT'));
    second.sink.error([{ message: 'The server could not be reached: network error', code: 'NETWORK_ERROR' }]);
    expect(second.closed).toBe(true);
    expect(h.states.at(-1)).toMatchObject({ kind: 'reconnecting', attempt: 1 });
    h.timers.shift()!.run();
    const third = h.opened[2]!;
    expect(third.after).toBe('2');
    // The server replays from the cursor given, a transport may replay a little more: both land once.
    third.sink.next(event(2, order({ id: 'c1', master: { id: 'm1' }, account: F1, updatedAt: at(2) }), 'SENT'));
    third.sink.next(event(3, order({ id: 'c1', master: { id: 'm1' }, account: F1, updatedAt: at(3), filledQuantity: 10 }), 'FILLED'));
    const rows = h.blotter.rows();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.children).toHaveLength(1);
    expect(rows[0]!.children[0]!.status).toBe('FILLED');
    expect(h.opened).toHaveLength(3);
    expect(h.gaps()).toBe(2);
    h.stop();
  });

  it('goes live only and reloads what it shows when the server no longer keeps the cursor', async () => {
    const h = harness();
    h.opened[0]!.sink.next(event(7, order({ id: 'm1' })));
    await flush();
    h.opened[1]!.sink.error([{ message: 'cursor 7 is older than the events kept', code: 'BAD_USER_INPUT', field: 'after' }]);
    h.timers.shift()!.run();
    expect(h.opened[2]!.after).toBeNull();
    expect(h.gaps()).toBe(3);
    h.stop();
  });

  it('closes a stream that fails before its transport returned, and retries', () => {
    let closed = 0;
    const timers: (() => void)[] = [];
    const stop = startResumableStream<BlotterEvent>({
      open(_after, sink) {
        if (timers.length === 0) sink.error([{ message: 'refused', code: 'NETWORK_ERROR' }]);
        return () => {
          closed++;
        };
      },
      lastCursor: () => null,
      onEvent: () => undefined,
      onGap: () => undefined,
      setTimer(run) {
        timers.push(run);
        return () => undefined;
      },
    });
    expect(closed).toBe(1);
    timers[0]!();
    stop();
    expect(closed).toBe(2);
  });

  it('stops for good when the session is no longer accepted, and ignores a closed stream', async () => {
    const h = harness();
    h.opened[0]!.sink.error([{ message: 'token expired', code: 'UNAUTHENTICATED' }]);
    expect(h.timers).toHaveLength(0);
    expect(h.states.at(-1)).toEqual({ kind: 'stopped', reason: 'token expired' });
    h.opened[0]!.sink.next(event(1, order({ id: 'm1' })));
    expect(h.blotter.size).toBe(0);
    h.stop();
  });
});
