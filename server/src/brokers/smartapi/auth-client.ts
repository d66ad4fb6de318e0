// Login and token renewal over SmartAPI's REST, done here rather than through the SDK: its
// generateToken crashes the process on any HTTP error and its generateSession hands the login
// body (PIN, TOTP) to its logger on failure (docs/smartapi.md §12.5, §12.6). Answers are read by the
// same readAnswer as the SDK's, so both paths fail the same way.
import { readAnswer, type Answer } from './answer.ts';

const LOGIN_PATH = '/rest/auth/angelbroking/user/v1/loginByPassword';
const REFRESH_PATH = '/rest/auth/angelbroking/jwt/v1/generateTokens';

export interface SessionTokens {
  jwtToken: string;
  refreshToken: string;
  feedToken: string;
}

export interface LoginInput {
  clientCode: string;
  pin: string;
  totp: string;
  apiKey: string;
}

/** The headers every SmartAPI call carries; Angel wants them present, not exact (docs/smartapi.md §1.2). */
function headers(apiKey: string, jwtToken?: string): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    Accept: 'application/json',
    'X-UserType': 'USER',
    'X-SourceID': 'WEB',
    'X-ClientLocalIP': '127.0.0.1',
    'X-ClientPublicIP': '127.0.0.1',
    'X-MACAddress': '00:00:00:00:00:00',
    'X-PrivateKey': apiKey,
    ...(jwtToken ? { Authorization: `Bearer ${jwtToken}` } : {}),
  };
}

/** Some captures show jwtToken already prefixed with "Bearer "; Tandem adds its own prefix. */
export function bareToken(token: string): string {
  return token.replace(/^(Bearer\s+)+/i, '').trim();
}

function tokensFrom(answer: Answer, call: string): Answer & { tokens?: SessionTokens } {
  if (!answer.ok) return answer;
  const data = answer.data as Record<string, unknown> | null;
  const jwt = typeof data?.jwtToken === 'string' ? bareToken(data.jwtToken) : '';
  if (!jwt) return readAnswer({ status: false, errorcode: '', message: `${call} answered SUCCESS without a jwtToken` }, call);
  return {
    ...answer,
    tokens: {
      jwtToken: jwt,
      refreshToken: typeof data?.refreshToken === 'string' ? data.refreshToken : '',
      feedToken: typeof data?.feedToken === 'string' ? data.feedToken : '',
    },
  };
}

export class SmartApiAuthClient {
  constructor(
    private readonly root: string,
    private readonly timeoutMs: number,
  ) {}

  async login(input: LoginInput): Promise<Answer & { tokens?: SessionTokens }> {
    const body = { clientcode: input.clientCode, password: input.pin, totp: input.totp, state: 'tandem' };
    return tokensFrom(await this.post(LOGIN_PATH, headers(input.apiKey), body, 'login'), 'login');
  }

  async refresh(apiKey: string, tokens: SessionTokens): Promise<Answer & { tokens?: SessionTokens }> {
    const answer = await this.post(REFRESH_PATH, headers(apiKey, tokens.jwtToken), { refreshToken: tokens.refreshToken }, 'generateTokens');
    return tokensFrom(answer, 'generateTokens');
  }

  private async post(path: string, head: Record<string, string>, body: unknown, call: string): Promise<Answer> {
    let response: Response;
    let raw: string;
    try {
      response = await fetch(`${this.root.replace(/\/+$/, '')}${path}`, {
        method: 'POST',
        headers: head,
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      raw = await response.text();
    } catch {
      return readAnswer({}, call);
    }
    if (!response.ok)
      return readAnswer(/exceeding access rate/i.test(raw) ? raw : { status: response.status, message: response.statusText }, call);
    try {
      return readAnswer(JSON.parse(raw), call);
    } catch {
      return readAnswer({ status: false, errorcode: '', message: `an answer that is not JSON (HTTP ${response.status})` }, call);
    }
  }
}
