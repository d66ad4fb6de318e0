import { For } from 'solid-js';
import { SelectField, TextField } from '../../../ui/fields.tsx';
import { humanize } from '../../../ui/format.ts';
import { ORDER_STATUSES } from './blotter.ts';

/** The blotter's filters: an account (a master or a follower), a status, a symbol. */
export default function BlotterFilters(props: {
  accounts: readonly { id: string; label: string; clientCode: string }[];
  symbols: readonly string[];
  accountId: string;
  status: string;
  symbol: string;
  onAccount: (id: string) => void;
  onStatus: (status: string) => void;
  onSymbol: (symbol: string) => void;
}) {
  return (
    <form class="card filters" aria-label="Filter orders" onSubmit={(e) => e.preventDefault()}>
      <SelectField
        id="blotter-account"
        label="Account"
        value={props.accountId}
        onChange={props.onAccount}
        options={[
          { value: '', label: 'All accounts' },
          ...props.accounts.map((a) => ({ value: a.id, label: `${a.label} (${a.clientCode})` })),
        ]}
      />
      <SelectField
        id="blotter-status"
        label="Status"
        value={props.status}
        onChange={props.onStatus}
        options={[{ value: '', label: 'Any status' }, ...ORDER_STATUSES.map((s) => ({ value: s, label: humanize(s) }))]}
      />
      <TextField
        id="blotter-symbol"
        label="Symbol"
        list="blotter-symbols"
        placeholder="e.g. SBIN-EQ"
        value={props.symbol}
        onInput={props.onSymbol}
      />
      <datalist id="blotter-symbols">
        <For each={props.symbols}>{(s) => <option value={s} />}</For>
      </datalist>
    </form>
  );
}
