import type { RequestContext, SecureContext } from '../context.ts';
import { backendError, backendOk, ERR, gatewayError, type SimResponse } from '../envelope.ts';
import { formatIstDateTime } from '../clock.ts';
import { fundsOf, rmsRow } from '../portfolio.ts';
import { verifyTotp } from '../totp.ts';
import type { SimSession } from '../auth.ts';

// loginByPassword, generateTokens, getProfile, logout, getRMS (docs/smartapi.md §2.1).

const field = (body: Record<string, unknown>, key: string): string => (typeof body[key] === 'string' ? String(body[key]) : '');

function tokens(ctx: RequestContext, session: SimSession): Record<string, string> {
  const prefix = ctx.core.options.bearerInJwtToken ? 'Bearer ' : '';
  return { jwtToken: `${prefix}${session.jwtToken}`, refreshToken: session.refreshToken, feedToken: session.feedToken };
}

export async function loginByPassword(ctx: RequestContext): Promise<SimResponse> {
  const { accounts, clock, sessions, options } = ctx.core;
  const account = accounts.get(field(ctx.body, 'clientcode'));
  if (!account || account.pin !== field(ctx.body, 'password')) return backendError(ERR.invalidLogin);
  if (account.apiKey !== null && account.apiKey !== ctx.apiKey) return gatewayError(ERR.invalidApiKey);
  const at = options.totpTime === 'clock' ? clock.now() : new Date();
  if (!(await verifyTotp(account.totpSecret, field(ctx.body, 'totp'), at))) return backendError(ERR.invalidTotp);
  const session = await sessions.open(account.clientcode);
  account.lastLoginAt = clock.now();
  return backendOk({ ...tokens(ctx, session), state: field(ctx.body, 'state') });
}

export async function generateTokens(ctx: SecureContext): Promise<SimResponse> {
  const result = await ctx.core.sessions.refresh(ctx.session.clientcode, field(ctx.body, 'refreshToken'));
  if (!result.ok) return backendError(result.reason === 'expired' ? ERR.refreshTokenExpired : ERR.invalidRefreshToken);
  return backendOk(tokens(ctx, result.session));
}

export function getProfile(ctx: SecureContext): SimResponse {
  const a = ctx.account;
  return backendOk({
    clientcode: a.clientcode,
    name: a.name,
    email: a.email,
    mobileno: a.mobileno,
    exchanges: ['nse_fo', 'nse_cm', 'cde_fo', 'ncx_fo', 'bse_fo', 'bse_cm', 'mcx_fo'],
    products: ['MARGIN', 'MIS', 'NRML', 'CNC', 'CO', 'BO'],
    lastlogintime: a.lastLoginAt ? formatIstDateTime(a.lastLoginAt) : '',
    brokerid: 'B2C',
  });
}

export function logout(ctx: SecureContext): SimResponse {
  ctx.core.sessions.logout(ctx.session.clientcode);
  return backendOk('');
}

export function getRMS(ctx: SecureContext): SimResponse {
  const { book, market } = ctx.core;
  return backendOk(rmsRow(fundsOf(ctx.account, book, market)));
}
