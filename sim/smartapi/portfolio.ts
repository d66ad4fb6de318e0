import type { SimAccount } from './accounts.ts';
import type { Market } from './market.ts';
import { rupeesText } from './money.ts';
import type { OrderBook } from './order-book.ts';
import type { SimTrade } from './types.ts';

// Positions and funds derived from the fills. Money stays in integer paise until the row is
// written; averages are rounded to the paisa there, never summed as floats.

interface Tally {
  buyQty: number;
  sellQty: number;
  buyValuePaise: number;
  sellValuePaise: number;
}

interface PositionFigures extends Tally {
  symboltoken: string;
  tradingsymbol: string;
  exchange: string;
  producttype: string;
  /** Fills of earlier IST days, carried forward (the cf* fields); the rest are the day's. */
  cf: Tally;
}

const emptyTally = (): Tally => ({ buyQty: 0, sellQty: 0, buyValuePaise: 0, sellValuePaise: 0 });

function add(tally: Tally, t: SimTrade): void {
  if (t.transactiontype === 'BUY') {
    tally.buyQty += t.quantity;
    tally.buyValuePaise += t.quantity * t.pricePaise;
  } else {
    tally.sellQty += t.quantity;
    tally.sellValuePaise += t.quantity * t.pricePaise;
  }
}

/**
 * Net figures per instrument and product. With `dayStart`, fills before it are carried forward,
 * except DELIVERY ones: those became holdings (holdings.ts). Without it every fill counts as the day's.
 */
function positionsOf(book: OrderBook, clientcode: string, dayStart: Date | null): PositionFigures[] {
  const byKey = new Map<string, PositionFigures>();
  for (const t of book.tradesOf(clientcode)) {
    const earlier = dayStart !== null && t.at < dayStart;
    if (earlier && t.producttype === 'DELIVERY') continue;
    const key = `${t.exchange}|${t.symboltoken}|${t.producttype}`;
    const p = byKey.get(key) ?? {
      symboltoken: t.symboltoken,
      tradingsymbol: t.tradingsymbol,
      exchange: t.exchange,
      producttype: t.producttype,
      ...emptyTally(),
      cf: emptyTally(),
    };
    add(earlier ? p.cf : p, t);
    byKey.set(key, p);
  }
  return [...byKey.values()];
}

/** The day's fills and the carried-forward ones together. */
const totalOf = (p: PositionFigures): Tally => ({
  buyQty: p.buyQty + p.cf.buyQty,
  sellQty: p.sellQty + p.cf.sellQty,
  buyValuePaise: p.buyValuePaise + p.cf.buyValuePaise,
  sellValuePaise: p.sellValuePaise + p.cf.sellValuePaise,
});

const avg = (value: number, qty: number): number => (qty === 0 ? 0 : Math.round(value / qty));

function pnlOf(p: Tally, ltpPaise: number): { realised: number; unrealised: number; openCost: number } {
  const buyAvg = avg(p.buyValuePaise, p.buyQty);
  const sellAvg = avg(p.sellValuePaise, p.sellQty);
  const net = p.buyQty - p.sellQty;
  const matched = Math.min(p.buyQty, p.sellQty);
  const realised = matched * (sellAvg - buyAvg);
  const unrealised = net > 0 ? net * (ltpPaise - buyAvg) : net < 0 ? -net * (sellAvg - ltpPaise) : 0;
  const openCost = net > 0 ? net * buyAvg : -net * sellAvg;
  return { realised, unrealised, openCost };
}

export interface FundsFigures {
  availableCashPaise: number;
  utilisedPaise: number;
  realisedPaise: number;
  unrealisedPaise: number;
  netPaise: number;
}

/** Cash after realised P&L, less margin held by open positions and by open BUY orders. */
export function fundsOf(account: SimAccount, book: OrderBook, market: Market, excludeOrderId?: string): FundsFigures {
  let realised = 0;
  let unrealised = 0;
  let utilised = 0;
  for (const p of positionsOf(book, account.clientcode, null)) {
    const figures = pnlOf(p, market.ltpPaise(p.symboltoken));
    realised += figures.realised;
    unrealised += figures.unrealised;
    utilised += figures.openCost;
  }
  for (const o of book.live()) {
    if (o.clientcode !== account.clientcode || o.transactiontype !== 'BUY' || o.orderid === excludeOrderId) continue;
    utilised += (o.quantity - o.filledQty) * (o.pricePaise || market.ltpPaise(o.symboltoken));
  }
  const availableCash = account.fundsPaise + realised;
  return {
    availableCashPaise: availableCash,
    utilisedPaise: utilised,
    realisedPaise: realised,
    unrealisedPaise: unrealised,
    netPaise: availableCash - utilised,
  };
}

/** getRMS `data`: every field a two-decimal string. */
export function rmsRow(f: FundsFigures): Record<string, string> {
  const zero = rupeesText(0);
  return {
    net: rupeesText(f.netPaise),
    availablecash: rupeesText(f.availableCashPaise),
    availableintradaypayin: zero,
    availablelimitmargin: zero,
    collateral: zero,
    m2munrealized: rupeesText(f.unrealisedPaise),
    m2mrealized: rupeesText(f.realisedPaise),
    utiliseddebits: rupeesText(f.utilisedPaise),
    utilisedspan: zero,
    utilisedoptionpremium: zero,
    utilisedholdingsales: zero,
    utilisedexposure: zero,
    utilisedturnover: zero,
    utilisedpayout: zero,
  };
}

/** getPosition rows, every field a string (docs/smartapi.md §4.3): the day's fills, and earlier ones as carried forward. */
export function positionRows(book: OrderBook, market: Market, clientcode: string, dayStart: Date): Array<Record<string, string>> {
  return positionsOf(book, clientcode, dayStart).map((p) => {
    const inst = market.instrument(p.symboltoken);
    const ltp = market.ltpPaise(p.symboltoken);
    const total = totalOf(p);
    const net = total.buyQty - total.sellQty;
    const totalBuyAvg = avg(total.buyValuePaise, total.buyQty);
    const totalSellAvg = avg(total.sellValuePaise, total.sellQty);
    const netAvg = net > 0 ? totalBuyAvg : net < 0 ? totalSellAvg : 0;
    const { realised, unrealised } = pnlOf(total, ltp);
    return {
      exchange: p.exchange,
      symboltoken: p.symboltoken,
      producttype: p.producttype,
      tradingsymbol: p.tradingsymbol,
      symbolname: p.tradingsymbol.replace(/-EQ$/, ''),
      instrumenttype: inst.instrumenttype,
      priceden: '1.00',
      pricenum: '1.00',
      genden: '1.00',
      gennum: '1.00',
      precision: '2',
      multiplier: '-1',
      boardlotsize: String(inst.lotSize),
      lotsize: String(inst.lotSize),
      buyqty: String(p.buyQty),
      sellqty: String(p.sellQty),
      buyamount: rupeesText(p.buyValuePaise),
      sellamount: rupeesText(p.sellValuePaise),
      symbolgroup: 'EQ',
      strikeprice: rupeesText(inst.strikePaise),
      optiontype: inst.optiontype,
      expirydate: inst.expirydate,
      cfbuyqty: String(p.cf.buyQty),
      cfsellqty: String(p.cf.sellQty),
      cfbuyamount: rupeesText(p.cf.buyValuePaise),
      cfsellamount: rupeesText(p.cf.sellValuePaise),
      cfbuyavgprice: rupeesText(avg(p.cf.buyValuePaise, p.cf.buyQty)),
      cfsellavgprice: rupeesText(avg(p.cf.sellValuePaise, p.cf.sellQty)),
      buyavgprice: rupeesText(avg(p.buyValuePaise, p.buyQty)),
      sellavgprice: rupeesText(avg(p.sellValuePaise, p.sellQty)),
      avgnetprice: rupeesText(netAvg),
      netvalue: rupeesText(total.sellValuePaise - total.buyValuePaise),
      netqty: String(net),
      totalbuyvalue: rupeesText(total.buyValuePaise),
      totalsellvalue: rupeesText(total.sellValuePaise),
      totalbuyavgprice: rupeesText(totalBuyAvg),
      totalsellavgprice: rupeesText(totalSellAvg),
      netprice: rupeesText(netAvg),
      pnl: rupeesText(realised + unrealised),
      realised: rupeesText(realised),
      unrealised: rupeesText(unrealised),
      ltp: rupeesText(ltp),
      close: rupeesText(ltp),
    };
  });
}
