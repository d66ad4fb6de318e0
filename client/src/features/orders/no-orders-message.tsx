import { Show } from 'solid-js';
import { session } from '../auth/session.ts';
import { noOrdersHint } from './no-orders-hint.ts';

/** The empty state of an order list: for someone who can trade, how to watch a first copy happen. */
export default function NoOrdersMessage(props: { masters: readonly { label: string }[] | null; class?: string }) {
  const hint = () => noOrdersHint(session.role(), props.masters);
  return (
    <p class={props.class} data-empty="orders">
      {hint().lead}
      <Show when={hint().link}>{(link) => <a href={link().href}>{link().label}</a>}</Show>
      {hint().tail}
    </p>
  );
}
