import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** Independent keys for each purpose, derived from SECRET_KEY so one secret serves all. */
export interface Keys {
  jwt: Uint8Array;
  credentials: Buffer;
  /** Broker sessions shared between instances through Redis (SmartAPI tokens). */
  sessions: Buffer;
}

export function deriveKeys(secretKey: string): Keys {
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', secretKey, 'tandem', info, 32));
  return { jwt: derive('jwt-signing'), credentials: derive('broker-credentials'), sessions: derive('broker-sessions') };
}

/** AES-256-GCM: iv.tag.ciphertext, base64url. Authenticated, so a tampered value fails to open. */
export function seal(key: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((part) => part.toString('base64url')).join('.');
}

export function open(key: Buffer, sealed: string): string {
  const [iv, tag, body] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'));
  if (!iv || !tag || !body) throw new Error('sealed value is malformed');
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
}
