// How numbers, times and accounts read on the page.

export function formatTime(iso) {
  return iso ? new Date(iso).toLocaleTimeString([], { hour12: false }) : '';
}

export function formatMs(ms) {
  if (ms === null || ms === undefined) return '—';
  return ms < 1000 ? `${ms.toFixed(ms < 10 ? 1 : 0)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** An account's label and code, or its id where the token may not see it (no ACCOUNTS_READ, another user's account). */
export function accountName(order) {
  return order.account ? `${order.account.label} (${order.account.clientCode})` : order.accountId;
}

/** A table row of plain text cells (textContent only: nothing from the server is parsed as HTML). */
export function row(cells, className) {
  const tr = document.createElement('tr');
  if (className) tr.className = className;
  for (const cell of cells) {
    const td = document.createElement('td');
    if (typeof cell === 'object' && cell !== null) {
      td.textContent = cell.text;
      if (cell.className) td.className = cell.className;
    } else {
      td.textContent = String(cell);
    }
    tr.append(td);
  }
  return tr;
}

/** A status as a cell with a class per status, so CSS can colour FILLED, REJECTED, ... */
export function statusCell(status) {
  return { text: status, className: `status status-${status.toLowerCase()}` };
}
