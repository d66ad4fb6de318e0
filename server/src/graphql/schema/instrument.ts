import { EXCHANGES, MAX_PAGE_SIZE, pageSize } from '../../core/input-rules.ts';
import { Instrument } from '../../persistence/entities/instrument.entity.ts';
import { sessionOrToken } from '../auth-rules.ts';
import { builder } from '../builder.ts';

export const InstrumentRef = builder.objectType(Instrument, {
  name: 'Instrument',
  description: "Something an order can trade, from the broker's instrument list (scrip master).",
  fields: (t) => ({
    token: t.exposeString('token', { description: "The broker's token for the instrument on its exchange." }),
    symbol: t.exposeString('symbol', { description: 'The trading symbol as the broker spells it, e.g. SBIN-EQ or NIFTY28JUL26FUT.' }),
    name: t.exposeString('name', { description: 'The company or underlying, e.g. SBIN or NIFTY.' }),
    exchange: t.exposeString('exchange', { description: `The exchange segment: ${EXCHANGES.join(', ')}.` }),
    instrumentType: t.exposeString('instrumentType', {
      description: "EQ for cash equities, else the scrip master's type, e.g. FUTIDX, OPTIDX, FUTSTK or OPTSTK.",
    }),
    lotSize: t.exposeInt('lotSize', { description: 'Units in one lot: an order quantity must be a whole number of lots.' }),
    tickSize: t.float({
      description: 'The smallest price step, in rupees; prices must be multiples of it.',
      resolve: (i) => i.tickSize / 100,
    }),
    freezeQuantity: t.exposeInt('freezeQuantity', {
      nullable: true,
      description: 'The most units one order may carry (larger copies go out as several orders); null when the exchange sets no limit.',
    }),
    expiry: t.exposeString('expiry', { nullable: true, description: 'Expiry date (YYYY-MM-DD) of a future or option; null otherwise.' }),
    lastPrice: t.float({
      nullable: true,
      description: "The paper exchange's last price in rupees, else the instrument's reference price.",
      resolve: (i, _args, ctx) => {
        const paise = ctx.services.brokers.prices('PAPER').lastPrice(i.exchange, i.token);
        return paise === null ? null : paise / 100;
      },
    }),
  }),
});

builder.queryField('instruments', (t) =>
  t.field({
    type: [InstrumentRef],
    description: 'Instruments Tandem knows, matching the filters, in symbol order.',
    authScopes: sessionOrToken('orders:read'),
    args: {
      search: t.arg.string({ description: 'Part of the symbol or of the name, any case; omit for all.' }),
      exchange: t.arg.string({ description: `Only this exchange (${EXCHANGES.join(', ')}), any case.` }),
      first: t.arg.int({ description: `How many to return, 1 to ${MAX_PAGE_SIZE} (anything else is refused); defaults to 50.` }),
    },
    resolve: (_root, args, ctx) => {
      const size = pageSize(args.first);
      const query = args.search?.toUpperCase() ?? '';
      const exchange = args.exchange?.toUpperCase();
      return ctx.services.instruments
        .all()
        .filter((i) => (!exchange || i.exchange === exchange) && (i.symbol.includes(query) || i.name.toUpperCase().includes(query)))
        .sort((a, b) => a.symbol.localeCompare(b.symbol))
        .slice(0, size);
    },
  }),
);
