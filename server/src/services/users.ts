import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
import { decoyPasswordHash, hashPassword, verifyPassword } from '../auth/passwords.ts';
import { signAccessToken } from '../auth/tokens.ts';
import type { Viewer } from '../auth/viewer.ts';
import { parseDuration } from '../config.ts';
import { badInput, conflict, forbidden, rateLimited, unauthenticated } from '../core/errors.ts';
import { MAX_EMAIL_LENGTH, MAX_PASSWORD_LENGTH } from '../core/input-rules.ts';
import { USER_ROLES, type UserRole } from '../core/types.ts';
import { User } from '../persistence/entities/user.entity.ts';
import { audit } from './audit.ts';
import type { AppServices } from './container.ts';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** What no sign-in can match and no user may be created with, refused before any look-up. */
function checkCredentialLengths(email: string, password: string): void {
  if (email.length > MAX_EMAIL_LENGTH) throw badInput('email', `email must be at most ${MAX_EMAIL_LENGTH} characters`);
  if (password.length > MAX_PASSWORD_LENGTH) throw badInput('password', `password must be at most ${MAX_PASSWORD_LENGTH} characters`);
}

function checkCredentialsShape(email: string, password: string): void {
  checkCredentialLengths(email, password);
  if (!EMAIL.test(email)) throw badInput('email', 'email is not a valid address');
  if (password.length < 10) throw badInput('password', 'password must be at least 10 characters');
}

export async function login(services: AppServices, email: string, password: string, ip: string): Promise<{ token: string; user: User }> {
  const normalised = email.trim().toLowerCase();
  checkCredentialLengths(normalised, password);
  // Counted as a failure from here until the password proves right.
  const wait = await services.loginLimiter.admit(normalised, ip);
  if (wait > 0) throw rateLimited(`too many failed sign-ins; try again in ${wait} s`, wait);
  const em = services.orm.em.fork();
  const user = await em.findOne(User, { email: normalised }, { populate: ['passwordHash'] });
  const ok = await verifyPassword(user?.passwordHash ?? (await decoyPasswordHash()), password);
  if (!user || !ok) throw unauthenticated('email or password is wrong');
  await services.loginLimiter.succeeded(normalised, ip);
  const token = await signAccessToken(services.keys.jwt, user.id, user.role, parseDuration(services.config.JWT_TTL), services.clock.now());
  return { token, user };
}

export async function createUser(services: AppServices, viewer: Viewer, email: string, password: string, role: UserRole): Promise<User> {
  if (viewer.role !== 'ADMIN') throw forbidden('only an admin can create users');
  const normalised = email.trim().toLowerCase();
  checkCredentialsShape(normalised, password);
  if (!USER_ROLES.includes(role)) throw badInput('role', 'unknown role');
  const em = services.orm.em.fork();
  if (await em.count(User, { email: normalised })) throw conflict(`a user with email ${normalised} exists`, 'email');
  const user = em.create(User, { email: normalised, passwordHash: await hashPassword(password), role, createdAt: new Date() });
  audit(em, viewer, 'user.create', 'User', user.id, null, { email: normalised, role });
  await em.flush();
  return user;
}

/** Creates the first admin when there are no users; returns null when users exist already. */
export async function ensureFirstAdmin(em: EntityManager, email: string, password: string): Promise<User | null> {
  if ((await em.count(User, {})) > 0) return null;
  const user = em.create(User, {
    email: email.trim().toLowerCase(),
    passwordHash: await hashPassword(password),
    role: 'ADMIN',
    createdAt: new Date(),
  });
  try {
    await em.flush();
  } catch (error) {
    // Replicas starting together on an empty database race to create this same admin; the first one wins.
    if (error instanceof UniqueConstraintViolationException) return null;
    throw error;
  }
  return user;
}
