import { MAX_EMAIL_LENGTH, MAX_PASSWORD_LENGTH } from '../../core/input-rules.ts';
import { User } from '../../persistence/entities/user.entity.ts';
import { createUser, login } from '../../services/users.ts';
import { anyone, sessionOnly } from '../auth-rules.ts';
import { builder } from '../builder.ts';
import { UserRoleEnum } from './enums.ts';

export const UserRef = builder.objectType(User, {
  name: 'User',
  description: 'A person who signs in. Their role decides what they may see and do.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Identifies the user.' }),
    email: t.exposeString('email', { description: 'What they sign in with, in lower case.' }),
    role: t.field({ type: UserRoleEnum, description: 'What they may see and do.', resolve: (user) => user.role }),
    createdAt: t.field({ type: 'DateTime', description: 'When the user was created.', resolve: (user) => user.createdAt }),
  }),
});

const AuthPayload = builder.objectRef<{ token: string; user: User }>('AuthPayload').implement({
  description: 'A signed-in session.',
  fields: (t) => ({
    token: t.exposeString('token', {
      description:
        "The session token: send it as `Authorization: Bearer <token>`. It expires after the server's JWT_TTL (12 hours by default).",
    }),
    user: t.field({ type: UserRef, description: 'Who signed in.', authScopes: anyone(), resolve: (payload) => payload.user }),
  }),
});

builder.queryField('me', (t) =>
  t.field({
    type: UserRef,
    description: 'The signed-in user.',
    authScopes: sessionOnly(),
    resolve: async (_root, _args, ctx) => ctx.services.orm.em.fork().findOneOrFail(User, { id: ctx.viewer!.userId }),
  }),
);

builder.mutationFields((t) => ({
  login: t.field({
    type: AuthPayload,
    description:
      'Signs in and returns a session token. Failed attempts slow further ones down: RATE_LIMITED with `extensions.retryAfterSeconds`.',
    authScopes: anyone(),
    args: {
      email: t.arg.string({ required: true, description: `The user's email, any case; at most ${MAX_EMAIL_LENGTH} characters.` }),
      password: t.arg.string({ required: true, description: `The user's password; at most ${MAX_PASSWORD_LENGTH} characters.` }),
    },
    resolve: (_root, args, ctx) => login(ctx.services, args.email, args.password, ctx.clientIp),
  }),
  createUser: t.field({
    type: UserRef,
    description: 'Creates a user who can then sign in with login.',
    authScopes: sessionOnly(['ADMIN']),
    args: {
      email: t.arg.string({
        required: true,
        description: `A valid address of at most ${MAX_EMAIL_LENGTH} characters, stored in lower case; CONFLICT if a user has it already.`,
      }),
      password: t.arg.string({ required: true, description: `10 to ${MAX_PASSWORD_LENGTH} characters.` }),
      role: t.arg({ type: UserRoleEnum, required: true, description: 'What the new user may see and do.' }),
    },
    resolve: (_root, args, ctx) => createUser(ctx.services, ctx.viewer!, args.email, args.password, args.role),
  }),
}));
