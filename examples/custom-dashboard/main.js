// The page: a form for the Tandem URL and an API token, then the live order stream, the
// per-follower latency table and chart, and a status line. Nothing else is kept between reloads
// than the URL and token in this tab's sessionStorage (gone when the tab closes).
import { describeError, query } from './api.js';
import { LATEST_CURSOR_QUERY, RECENT_MASTER_ORDERS_QUERY, REPLICATION_STATS_QUERY } from './documents.js';
import { formatMs } from './format.js';
import { createLatencyView } from './latency-view.js';
import { streamOrderEvents } from './order-stream.js';
import { createOrdersView } from './orders-view.js';

const STORAGE_KEY = 'tandem-custom-dashboard';
const RECENT_MASTERS = 20;
const STATS_EVERY_MS = 5_000;
/** After a copy changes, the stats are read again this soon rather than at the next tick. */
const STATS_AFTER_COPY_MS = 750;

const form = document.querySelector('#connect');
const urlInput = document.querySelector('#tandem-url');
const tokenInput = document.querySelector('#tandem-token');
const disconnectButton = document.querySelector('#disconnect');
const statusLine = document.querySelector('#status');
const streamCounts = document.querySelector('#stream-counts');

const ordersView = createOrdersView({
  ordersTable: document.querySelector('#orders'),
  logBody: document.querySelector('#event-log tbody'),
  emptyNote: document.querySelector('#orders-empty'),
});
const latencyView = createLatencyView({
  tableBody: document.querySelector('#latency tbody'),
  chart: document.querySelector('#latency-chart'),
  note: document.querySelector('#latency-note'),
});

/** The connection in use: its stream and timers. A new Connect replaces it; late answers for an old one are ignored. */
let session = null;

function setStatus(state, text) {
  statusLine.dataset.state = state;
  statusLine.textContent = text;
}

const plural = (count, word) => `${count} ${word}${count === 1 ? '' : 's'}`;

function showCounts(current) {
  const { events, duplicates, reconnects } = current.counts;
  streamCounts.textContent = [
    plural(events, 'event'),
    `${plural(duplicates, 'duplicate')} dropped`,
    plural(reconnects, 'reconnect attempt'),
    `last cursor ${current.stream?.lastCursor() ?? current.after}`,
  ].join(' · ');
}

async function refreshStats(current) {
  try {
    const { replicationStats } = await query(current.connection, REPLICATION_STATS_QUERY);
    if (session === current) latencyView.show(replicationStats);
  } catch (error) {
    if (session === current) latencyView.failed(describeError(error));
  }
}

function stop(current) {
  current.stream?.stop();
  clearInterval(current.statsTimer);
  clearTimeout(current.statsSoon);
}

async function connect(connection) {
  if (session) stop(session);
  const current = {
    connection,
    stream: null,
    statsTimer: null,
    statsSoon: null,
    after: null,
    counts: { events: 0, duplicates: 0, reconnects: 0 },
  };
  session = current;
  disconnectButton.disabled = false;
  setStatus('connecting', `Connecting to ${connection.base}…`);
  try {
    // The cursor first, then the snapshot: whatever changes after the cursor arrives as events,
    // so nothing is missed between the two reads (an event the snapshot already shows is harmless).
    const { latestOrderEventCursor } = await query(connection, LATEST_CURSOR_QUERY);
    const { orders } = await query(connection, RECENT_MASTER_ORDERS_QUERY, { first: RECENT_MASTERS });
    if (session !== current) return;
    current.after = latestOrderEventCursor;
    ordersView.load(orders.edges.map((edge) => edge.node));
  } catch (error) {
    if (session === current) setStatus('error', `Error: ${describeError(error)}`);
    return;
  }
  current.stream = streamOrderEvents({
    connection,
    after: current.after,
    onEvent(event) {
      current.counts.events += 1;
      ordersView.apply(event);
      showCounts(current);
      if (event.order.master) {
        clearTimeout(current.statsSoon);
        current.statsSoon = setTimeout(() => refreshStats(current), STATS_AFTER_COPY_MS);
      }
    },
    onDuplicate() {
      current.counts.duplicates += 1;
      showCounts(current);
    },
    onState(change) {
      if (session !== current) return;
      if (change.state === 'live') {
        setStatus('live', `Live: streaming order events after cursor ${change.after}`);
      } else if (change.state === 'reconnecting') {
        current.counts.reconnects += 1;
        setStatus(
          'reconnecting',
          `Reconnecting in ${formatMs(change.delayMs)} (attempt ${change.attempt}): ${describeError(change.reason)}. Resuming after cursor ${current.stream.lastCursor()}.`,
        );
      } else {
        stop(current);
        setStatus('error', `Error: ${describeError(change.error)}`);
      }
      showCounts(current);
    },
  });
  showCounts(current);
  void refreshStats(current);
  current.statsTimer = setInterval(() => refreshStats(current), STATS_EVERY_MS);
}

form.addEventListener('submit', (submitted) => {
  // The token travels only in the Authorization header: never in a URL, never in a cookie.
  submitted.preventDefault();
  const connection = { base: urlInput.value.trim(), token: tokenInput.value.trim() };
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(connection));
  void connect(connection);
});

disconnectButton.addEventListener('click', () => {
  if (session) stop(session);
  session = null;
  sessionStorage.removeItem(STORAGE_KEY);
  tokenInput.value = '';
  disconnectButton.disabled = true;
  setStatus('idle', 'Disconnected; the token is forgotten.');
});

const saved = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null');
if (saved?.base && saved?.token) {
  urlInput.value = saved.base;
  tokenInput.value = saved.token;
  void connect(saved);
}
