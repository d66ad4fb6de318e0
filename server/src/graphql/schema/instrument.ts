import { pageSize } from '../../core/input-rules.ts';
import { Instrument } from '../../persistence/entities/instrument.entity.ts';
import { sessionOrToken } from '../auth-rules.ts';
import { builder } from '../builder.ts';

export const InstrumentRef = builder.objectType(Instrument, {
  name: 'Instrument',
  fields: (t) => ({
    token: t.exposeString('token'),
    symbol: t.exposeString('symbol'),
    name: t.exposeString('name'),
    exchange: t.exposeString('exchange'),
    instrumentType: t.exposeString('instrumentType'),
    lotSize: t.exposeInt('lotSize'),
    tickSize: t.float({ description: 'Rupees.', resolve: (i) => i.tickSize / 100 }),
    freezeQuantity: t.exposeInt('freezeQuantity', { nullable: true }),
    expiry: t.exposeString('expiry', { nullable: true }),
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
    authScopes: sessionOrToken('orders:read'),
    args: { search: t.arg.string(), exchange: t.arg.string(), first: t.arg.int() },
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
