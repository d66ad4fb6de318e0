import {
  API_TOKEN_SCOPES,
  type AccountRole,
  type ApiTokenScope,
  type BrokerKind,
  type ConnectionStatus,
  type MultiplierMode,
  type OrderEventKind,
  type OrderStatus,
  type OrderType,
  type ProductType,
  type Side,
  type UserRole,
  type Variety,
  type ZeroQuantityPolicy,
} from '../../core/types.ts';
import { scopeEnumValue } from '../auth-rules.ts';
import { builder } from '../builder.ts';

/** Enum values with their descriptions; the Record type makes a value added in core/types.ts without one a type error. */
const described = <T extends string>(descriptions: Record<T, string>) =>
  Object.fromEntries(Object.entries(descriptions).map(([value, description]) => [value, { description }])) as {
    [K in T]: { description: string };
  };

export const BrokerEnum = builder.enumType('Broker', {
  description: 'The broker an account trades through.',
  values: described<BrokerKind>({
    PAPER: "Tandem's built-in paper exchange: simulated prices and fills, no money, no credentials needed.",
    SMARTAPI: "Angel One through SmartAPI: real orders, with the account's credentials (API key, PIN and TOTP secret).",
  }),
});

export const AccountRoleEnum = builder.enumType('AccountRole', {
  description: "An account's part in copying: it is copied from, or copied into.",
  values: described<AccountRole>({
    MASTER: 'Its orders are copied to the followers linked to it by multipliers.',
    FOLLOWER: 'It receives copies of the orders of the masters it is linked to.',
  }),
});

export const UserRoleEnum = builder.enumType('UserRole', {
  description: "What a user may see and do. An API token acts with its owner's role, narrowed by its scopes.",
  values: described<UserRole>({
    ADMIN: 'Sees and manages everything; alone creates users and uses the global kill switch.',
    TRADER:
      'Sees and manages the accounts they own or set up, the followers linked to their masters and those links; places orders on them.',
    CLIENT: 'Sees the accounts they own and their orders; may only enter broker credentials and turn copying on or off for those accounts.',
  }),
});

export const SideEnum = builder.enumType('Side', {
  description: 'Which way an order trades.',
  values: described<Side>({
    BUY: 'Buy the instrument.',
    SELL: 'Sell the instrument.',
  }),
});

export const OrderTypeEnum = builder.enumType('OrderType', {
  description: 'How an order is priced.',
  values: described<OrderType>({
    MARKET: 'At the market price; takes no price and no triggerPrice.',
    LIMIT: 'At `price` or better; needs price.',
    STOPLOSS_LIMIT: 'Becomes a LIMIT order at `price` once `triggerPrice` trades; needs both, and variety STOPLOSS.',
    STOPLOSS_MARKET: 'Becomes a MARKET order once `triggerPrice` trades; needs triggerPrice and variety STOPLOSS.',
  }),
});

export const ProductTypeEnum = builder.enumType('ProductType', {
  description: 'The product an order is booked under, as Angel One names it. Positions are kept per product type.',
  values: described<ProductType>({
    DELIVERY: 'Cash equity bought or sold for delivery (CNC).',
    INTRADAY: 'Margin intraday, squared off the same day (MIS).',
    CARRYFORWARD: 'Futures and options held overnight (NRML).',
    MARGIN: 'Margin delivery (MTF).',
  }),
});

export const VarietyEnum = builder.enumType('Variety', {
  description: 'How the broker handles an order.',
  values: described<Variety>({
    NORMAL: 'A regular order for the open market.',
    STOPLOSS: 'A stop-loss order: required with, and only with, the STOPLOSS_LIMIT and STOPLOSS_MARKET order types.',
    AMO: 'An after-market order: the broker holds it until the market opens.',
  }),
});

export const MultiplierModeEnum = builder.enumType('MultiplierMode', {
  description: "How a multiplier sizes a copy of a master's order.",
  values: described<MultiplierMode>({
    MULTIPLY: "The master's quantity times `factor`, rounded down to whole lots.",
    FIXED_LOTS: "`fixedLots` lots, whatever the master's quantity.",
  }),
});

export const ZeroQuantityPolicyEnum = builder.enumType('ZeroQuantityPolicy', {
  description: 'What a multiplier does when sizing rounds a copy down to zero lots.',
  values: described<ZeroQuantityPolicy>({
    SKIP: 'Skip the copy (recorded as a SKIPPED order with the reason).',
    MIN_ONE_LOT: 'Copy one lot instead.',
  }),
});

export const OrderStatusEnum = builder.enumType('OrderStatus', {
  description:
    "Where an order stands. FILLED, CANCELLED, REJECTED, FAILED and SKIPPED are final, except that the broker's report can still correct a FAILED order.",
  values: described<OrderStatus>({
    PENDING: 'Recorded by Tandem, not sent to the broker yet (waiting for its rate limit, for example).',
    SENT: 'Sent to the broker, which has not answered yet.',
    OPEN: 'Accepted by the broker and waiting to fill.',
    TRIGGER_PENDING: 'A stop-loss order waiting for its trigger price.',
    AMO_QUEUED: 'An after-market order the broker holds until the market opens.',
    PARTIALLY_FILLED: 'Partly filled; the rest is still open.',
    FILLED: 'Completely filled.',
    CANCELLED: 'Cancelled, possibly after part of it filled.',
    REJECTED: 'Refused by the broker or the exchange; `reason` has their words.',
    FAILED: 'Tandem could not place it (the broker call failed, or the database was lost while sending); `reason` says why.',
    SKIPPED: 'A copy Tandem decided not to place (a kill switch, a filter, a limit, sizing); `reason` says why.',
  }),
});

export const OrderEventKindEnum = builder.enumType('OrderEventKind', {
  description: 'What an order event says happened. New kinds may be added: a client should show an unknown kind rather than fail on it.',
  values: described<OrderEventKind>({
    CREATED:
      'Tandem recorded the order: placed through placeOrder, or a copy about to be sent (also a copy added when its master was modified).',
    DETECTED:
      'Tandem found a master order placed outside it (the broker app, or another program) on the order socket or in the order book.',
    COPY_PLANNED: 'On a master: its copies were sized and written down before any is sent; `message` counts what will be sent and skipped.',
    COPY_FAILED:
      'On a master and its copies: writing the copies down failed, so none was sent; `message` has the error id to look up in the log.',
    SKIPPED: 'A copy Tandem decided not to place; `message` says why (a kill switch, a filter, a limit, sizing to zero).',
    QUEUED: "A copy waiting for its account's broker rate limit; `message` says how long.",
    SENT: 'Sent to the broker; no answer yet.',
    ACKNOWLEDGED: 'The broker accepted the order and gave its id (Order.brokerOrderId).',
    OUTCOME_UNKNOWN: "The broker's answer was lost; Tandem looks the order up by its tag before anything is sent again.",
    BROKER_UPDATE: 'The broker reported a change: a status, a fill, a rejection or a cancellation.',
    MODIFIED:
      'Its price, quantity, order type or trigger price changed (modifyOrder, or a modification seen at the broker or followed from the master).',
    MODIFY_SKIPPED: "The master's modification was not copied to this copy; `message` says why.",
    MODIFY_FAILED: "Following the master's modification failed for this copy; `message` has the broker's words.",
    CANCELLED: 'A copy not yet sent was cancelled because its master was cancelled or rejected first.',
    CANCEL_FAILED: "Cancelling a copy after its master was cancelled failed; `message` has the broker's words.",
    FAILED: 'Tandem could not place the order (refused, or too late to send); `message` says why.',
    NOT_AT_BROKER: "A copy whose answer was lost is not in the broker's order book after two look-ups; it is sent again.",
    RECONCILED: "A copy whose answer was lost was found in the broker's order book by its tag and adopted; it is not sent again.",
  }),
});

export const ConnectionStatusEnum = builder.enumType('ConnectionStatus', {
  description: "An account's connection to its broker. A PAPER account is CONNECTED from the start.",
  values: described<ConnectionStatus>({
    DISCONNECTED: 'No broker session, e.g. a SMARTAPI account that has not logged in yet.',
    CONNECTING: 'Logging in to the broker.',
    CONNECTED: 'Ready to trade. For SMARTAPI, statusReason says when it logged in and whether order updates are live.',
    RECONNECTING: "Logged in, but the broker's order-update socket was lost: reconnecting, polling the order book every second meanwhile.",
    AUTH_FAILED: 'The broker refused the credentials; enter new ones with updateAccount.',
    SESSION_EXPIRED: 'The broker session expired; Tandem is logging in again.',
    ERROR: 'Connecting failed for another reason; statusReason has the error.',
  }),
});

const SCOPE_DESCRIPTIONS: Record<ApiTokenScope, string> = {
  'orders:read': 'Read orders, their events (orderEvents), instruments and replicationStats.',
  'orders:write': 'Place, modify and cancel orders, when the owner is an ADMIN or TRADER.',
  'accounts:read': "Read accounts, multipliers, accountStatus, globalKillSwitch and an order's account.",
  'accounts:write':
    "Create, change, connect and delete accounts and multipliers, and set an account's kill switch, within what the owner may change.",
};

export const ApiTokenScopeEnum = builder.enumType('ApiTokenScope', {
  description: "What an API token may do. A token never does more than its owner's role allows, and nothing its scopes do not name.",
  values: Object.fromEntries(
    API_TOKEN_SCOPES.map((scope) => [scopeEnumValue(scope), { value: scope, description: SCOPE_DESCRIPTIONS[scope] }]),
  ) as Record<string, { value: ApiTokenScope; description: string }>,
});
