// The two answer dialects SmartAPI speaks (docs/smartapi.md §1.3) and the bare gateway answers.

/** What a route hands back; the HTTP layer writes it, or withholds it under a fault. */
export type SimResponse =
  | { kind: 'json'; status: number; body: unknown }
  | { kind: 'text'; status: number; contentType: string; body: string };

/** Order and user services: `{status, message, errorcode, data}`. */
export function backendOk(data: unknown): SimResponse {
  return { kind: 'json', status: 200, body: { status: true, message: 'SUCCESS', errorcode: '', data } };
}

export function backendError(error: SimError): SimResponse {
  return { kind: 'json', status: 200, body: { status: false, message: error.message, errorcode: error.code, data: null } };
}

/** Token and IP checks at the gateway: `{success, message, errorCode, data:""}`. */
export function gatewayError(error: SimError): SimResponse {
  return { kind: 'json', status: 200, body: { success: false, message: error.message, errorCode: error.code, data: '' } };
}

/** Over-limit calls get a plain-text 403, not JSON [FORUM 3396]. */
export function rateLimited(): SimResponse {
  return { kind: 'text', status: 403, contentType: 'text/plain', body: 'Access denied because of exceeding access rate' };
}

const STATUS_TEXT: Record<number, string> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** What an edge proxy answers when the backend is down (body shape UNCONFIRMED). */
export function serverError(status: number): SimResponse {
  const title = `${status} ${STATUS_TEXT[status] ?? 'Server Error'}`;
  return {
    kind: 'text',
    status,
    contentType: 'text/html',
    body: `<html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>`,
  };
}

export interface SimError {
  code: string;
  message: string;
}

/** Codes and texts from docs/smartapi.md §8; others are marked where chosen. */
export const ERR = {
  invalidToken: { code: 'AG8001', message: 'Invalid Token' },
  tokenExpired: { code: 'AG8002', message: 'Token Expired' },
  tokenMissing: { code: 'AG8003', message: 'Token missing' },
  // Gateway answer for a missing or foreign X-PrivateKey, as third-party logs show it.
  invalidApiKey: { code: 'AG8004', message: 'Invalid API Key' },
  unregisteredIp: { code: 'AG7002', message: 'Access denied: Unregistered IP address. Register your IP before retrying.' },
  invalidRefreshToken: { code: 'AB8050', message: 'Invalid Refresh Token' },
  refreshTokenExpired: { code: 'AB8051', message: 'Refresh Token Expired' },
  // Observed for a wrong clientcode/PIN (smartapi-javascript issue #8); the docs table says AB1000.
  invalidLogin: { code: 'AB1007', message: 'Login Id or password is invalid' },
  invalidTotp: { code: 'AB1050', message: 'Invalid totp' },
  userTypeMustBeUser: { code: 'AB1005', message: 'User Type Must Be USER' },
  invalidVariety: { code: 'AB1008', message: 'Invalid Order Variety' },
  symbolNotFound: { code: 'AB1009', message: 'Symbol Not Found' },
  invalidProductType: { code: 'AB1012', message: 'Invalid Product Type' },
  detailsNotFound: { code: 'AB1007', message: 'Order not found' },
  orderNotFound: { code: 'AB1013', message: 'Order not found' },
  roboBlocked: { code: 'AB2002', message: 'ROBO order is block' },
  orderTagTooLong: { code: 'AB4008', message: 'Ordertag length should not exceed 20 characters' },
} as const satisfies Record<string, SimError>;

/** A request the docs give no code for; AB2000 is "Error not specified" (choice UNCONFIRMED). */
export function unspecified(message: string): SimError {
  return { code: 'AB2000', message };
}
