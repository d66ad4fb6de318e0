import { ERR, unspecified, type SimError } from './envelope.ts';
import { parsePaise } from './money.ts';
import type { Side, SimOrderType } from './types.ts';

// Validation of placeOrder/modifyOrder bodies (docs/smartapi.md §3). Anything the exchange or RMS
// would decide (funds, freeze quantity, tick size) is not here: those orders are accepted and
// then rejected, as SmartAPI does.

export interface PlaceRequest {
  variety: string;
  tradingsymbol: string;
  symboltoken: string;
  transactiontype: Side;
  exchange: string;
  ordertype: SimOrderType;
  producttype: string;
  duration: string;
  pricePaise: number;
  triggerPaise: number;
  squareoffPaise: number;
  stoplossPaise: number;
  quantity: number;
  disclosedquantity: number;
  ordertag: string;
}

export interface ModifyRequest {
  orderid: string;
  ordertype: SimOrderType | undefined;
  duration: string | undefined;
  pricePaise: number | undefined;
  triggerPaise: number | undefined;
  quantity: number | undefined;
}

export interface RequestRules {
  maxOrderTagLength: number;
  acceptAmoVariety: boolean;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: SimError };

const ORDER_TYPES: readonly SimOrderType[] = ['MARKET', 'LIMIT', 'STOPLOSS_LIMIT', 'STOPLOSS_MARKET'];
const PRODUCTS = ['DELIVERY', 'CARRYFORWARD', 'MARGIN', 'INTRADAY', 'BO'];
const EXCHANGES = ['NSE', 'BSE', 'NFO', 'MCX', 'BFO', 'CDS', 'NCX', 'CDE'];
const DURATIONS = ['DAY', 'IOC'];

class Invalid extends Error {
  constructor(readonly error: SimError) {
    super(error.message);
  }
}

const text = (body: Record<string, unknown>, key: string): string => {
  const value = body[key];
  return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
};

function oneOf<T extends string>(value: string, allowed: readonly T[], error: SimError): T {
  const found = allowed.find((a) => a === value);
  if (!found) throw new Invalid(error);
  return found;
}

function quantityOf(raw: string, field: string, allowZero: boolean): number {
  if (!/^\d+$/.test(raw) || (!allowZero && Number(raw) === 0)) throw new Invalid(unspecified(`Invalid ${field}`));
  return Number(raw);
}

function paiseOf(body: Record<string, unknown>, key: string): number {
  if (body[key] === undefined || body[key] === '') return 0;
  const paise = parsePaise(body[key]);
  if (paise === null) throw new Invalid(unspecified(`Invalid ${key}`));
  return paise;
}

function guard<T>(build: () => T): Parsed<T> {
  try {
    return { ok: true, value: build() };
  } catch (error) {
    if (error instanceof Invalid) return { ok: false, error: error.error };
    throw error;
  }
}

export function parsePlaceOrder(body: Record<string, unknown>, rules: RequestRules): Parsed<PlaceRequest> {
  return guard(() => {
    const varieties = rules.acceptAmoVariety ? ['NORMAL', 'STOPLOSS', 'ROBO', 'AMO'] : ['NORMAL', 'STOPLOSS', 'ROBO'];
    const variety = oneOf(text(body, 'variety'), varieties, ERR.invalidVariety);
    if (variety === 'ROBO') throw new Invalid(ERR.roboBlocked);
    const producttype = oneOf(
      text(body, 'producttype'),
      PRODUCTS.filter((p) => p !== 'BO'),
      ERR.invalidProductType,
    );
    const symboltoken = text(body, 'symboltoken');
    const tradingsymbol = text(body, 'tradingsymbol');
    if (!symboltoken || !tradingsymbol) throw new Invalid(ERR.symbolNotFound);
    const exchange = oneOf(text(body, 'exchange'), EXCHANGES, unspecified('Invalid Exchange'));
    const transactiontype = oneOf<Side>(text(body, 'transactiontype'), ['BUY', 'SELL'], unspecified('Invalid Transaction Type'));
    const ordertype = oneOf(text(body, 'ordertype'), ORDER_TYPES, unspecified('Invalid Order Type'));
    const duration = oneOf(text(body, 'duration') || 'DAY', DURATIONS, unspecified('Invalid Duration'));
    const ordertag = text(body, 'ordertag');
    if (ordertag.length > rules.maxOrderTagLength) {
      throw new Invalid({
        code: ERR.orderTagTooLong.code,
        message: `Ordertag length should not exceed ${rules.maxOrderTagLength} characters`,
      });
    }
    const pricePaise = ordertype === 'MARKET' || ordertype === 'STOPLOSS_MARKET' ? 0 : paiseOf(body, 'price');
    if ((ordertype === 'LIMIT' || ordertype === 'STOPLOSS_LIMIT') && pricePaise <= 0) throw new Invalid(unspecified('Invalid price'));
    const triggerPaise = paiseOf(body, 'triggerprice');
    if (ordertype.startsWith('STOPLOSS') && triggerPaise <= 0) throw new Invalid(unspecified('Invalid triggerprice'));
    return {
      variety: variety === 'AMO' ? 'NORMAL' : variety,
      tradingsymbol,
      symboltoken,
      transactiontype,
      exchange,
      ordertype,
      producttype,
      duration,
      ordertag,
      pricePaise,
      triggerPaise,
      squareoffPaise: paiseOf(body, 'squareoff'),
      stoplossPaise: paiseOf(body, 'stoploss'),
      quantity: quantityOf(text(body, 'quantity'), 'quantity', false),
      disclosedquantity: quantityOf(text(body, 'disclosedquantity') || '0', 'disclosedquantity', true),
    };
  });
}

/** Fields left out keep the order's current value. */
export function parseModifyOrder(body: Record<string, unknown>): Parsed<ModifyRequest> {
  return guard(() => {
    const orderid = text(body, 'orderid');
    if (!orderid) throw new Invalid(ERR.orderNotFound);
    const ordertypeRaw = text(body, 'ordertype');
    const durationRaw = text(body, 'duration');
    const quantityRaw = text(body, 'quantity');
    return {
      orderid,
      ordertype: ordertypeRaw ? oneOf(ordertypeRaw, ORDER_TYPES, unspecified('Invalid Order Type')) : undefined,
      duration: durationRaw ? oneOf(durationRaw, DURATIONS, unspecified('Invalid Duration')) : undefined,
      pricePaise: body.price === undefined || body.price === '' ? undefined : paiseOf(body, 'price'),
      triggerPaise: body.triggerprice === undefined || body.triggerprice === '' ? undefined : paiseOf(body, 'triggerprice'),
      quantity: quantityRaw ? quantityOf(quantityRaw, 'quantity', false) : undefined,
    };
  });
}
