import { Show } from 'solid-js';
import { noOrdersHint } from '../lib/no-orders-hint.ts';
import { session } from '../session.ts';

/** The empty state of an order list: for someone who can trade, how to watch a first copy happen. */
export default function NoOrdersHint(props: { masters: readonly { label: string }[] | null; class?: string }) {
  const hint = () => noOrdersHint(session.role(), props.masters);
  return (
    <p class={props.class} data-empty="orders">
      {hint().lead}
      <Show when={hint().link}>{(link) => <a href={link().href}>{link().label}</a>}</Show>
      {hint().tail}
    </p>
  );
}
