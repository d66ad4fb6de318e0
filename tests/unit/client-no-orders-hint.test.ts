import { describe, expect, it } from 'vitest';
import { noOrdersHint, type NoOrdersHint } from '../../client/src/features/orders/no-orders-hint.ts';

const text = (hint: NoOrdersHint) => `${hint.lead}${hint.link?.label ?? ''}${hint.tail}`;

describe('the empty order list', () => {
  it('leads someone who can trade to the ticket, naming the master it preselects (the first)', () => {
    for (const role of ['ADMIN', 'TRADER'] as const) {
      const hint = noOrdersHint(role, [{ label: 'Demo master' }, { label: 'Desk master' }]);
      expect(text(hint)).toBe('Place an order on Demo master from the Ticket to watch it copied live to its followers.');
      expect(hint.link).toEqual({ label: 'Ticket', href: '#/ticket' });
    }
  });

  it('without any master, leads to adding one', () => {
    const hint = noOrdersHint('TRADER', []);
    expect(hint.link).toEqual({ label: 'Add a master account', href: '#/accounts' });
    expect(text(hint)).toMatch(/^No orders yet\. Add a master account and link followers/);
  });

  it('tells a CLIENT (who places no orders) only that there are none yet', () => {
    expect(noOrdersHint('CLIENT', [{ label: 'Demo master' }])).toEqual({ lead: 'No orders yet.', link: null, tail: '' });
  });

  it('says only "No orders yet." while the masters are not loaded or nobody is signed in', () => {
    expect(noOrdersHint('ADMIN', null).link).toBeNull();
    expect(noOrdersHint(null, [{ label: 'Demo master' }]).link).toBeNull();
  });
});
