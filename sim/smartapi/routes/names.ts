export const ROUTE_NAMES = [
  'loginByPassword',
  'generateTokens',
  'getProfile',
  'logout',
  'getRMS',
  'placeOrder',
  'modifyOrder',
  'cancelOrder',
  'getOrderBook',
  'orderDetails',
  'getTradeBook',
  'getPosition',
  'getHolding',
] as const;

export type RouteName = (typeof ROUTE_NAMES)[number];
