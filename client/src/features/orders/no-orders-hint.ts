// What an empty order list says, free of any framework: someone who can trade is shown how to
// see a copy happen (place an order on a master from the ticket); a CLIENT, who places no
// orders, is only told there are none yet.
import { hashFor } from '../../navigation/routes.ts';

/** A sentence with at most one link in it: `lead`, then the link, then `tail`. */
export interface NoOrdersHint {
  lead: string;
  link: { label: string; href: string } | null;
  tail: string;
}

const NEUTRAL: NoOrdersHint = { lead: 'No orders yet.', link: null, tail: '' };

/**
 * The hint for a viewer with no orders. `masters` are the master accounts in the server's
 * order (the ticket preselects the first, so the hint names that one: "Demo master" on a
 * fresh install); null while they are not loaded yet.
 */
export function noOrdersHint(role: 'ADMIN' | 'TRADER' | 'CLIENT' | null, masters: readonly { label: string }[] | null): NoOrdersHint {
  if (role === null || role === 'CLIENT' || masters === null) return NEUTRAL;
  const master = masters[0];
  if (!master) {
    return {
      lead: 'No orders yet. ',
      link: { label: 'Add a master account', href: hashFor('accounts') },
      tail: ' and link followers to it, then place an order from the Ticket.',
    };
  }
  return {
    lead: `Place an order on ${master.label} from the `,
    link: { label: 'Ticket', href: hashFor('ticket') },
    tail: ' to watch it copied live to its followers.',
  };
}
