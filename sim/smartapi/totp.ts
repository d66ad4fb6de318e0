import { generate, verify } from 'otplib';

// pyotp defaults, which is all Angel documents: RFC 6238, SHA-1, 6 digits, 30 s step, base32.
const STEP_SECONDS = 30;

/** True when `code` is the TOTP of `secret` at `at`, one step either side allowed for clock drift. */
export async function verifyTotp(secret: string, code: string, at: Date): Promise<boolean> {
  if (!/^\d{6}$/.test(code)) return false;
  const result = await verify({ secret, token: code, epoch: Math.floor(at.getTime() / 1000), epochTolerance: STEP_SECONDS });
  return result.valid;
}

/** The code an authenticator app would show for `secret` at `at`; handy for demos and tests. */
export function totpAt(secret: string, at: Date = new Date()): Promise<string> {
  return generate({ secret, epoch: Math.floor(at.getTime() / 1000) });
}
