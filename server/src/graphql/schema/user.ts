import { User } from '../../persistence/entities/user.entity.ts';
import { createUser, login } from '../../services/users.ts';
import { anyone, sessionOnly } from '../auth-rules.ts';
import { builder } from '../builder.ts';
import { UserRoleEnum } from './enums.ts';

export const UserRef = builder.objectType(User, {
  name: 'User',
  fields: (t) => ({
    id: t.exposeID('id'),
    email: t.exposeString('email'),
    role: t.field({ type: UserRoleEnum, resolve: (user) => user.role }),
    createdAt: t.field({ type: 'DateTime', resolve: (user) => user.createdAt }),
  }),
});

const AuthPayload = builder.objectRef<{ token: string; user: User }>('AuthPayload').implement({
  fields: (t) => ({
    token: t.exposeString('token'),
    user: t.field({ type: UserRef, authScopes: anyone(), resolve: (payload) => payload.user }),
  }),
});

builder.queryField('me', (t) =>
  t.field({
    type: UserRef,
    authScopes: sessionOnly(),
    resolve: async (_root, _args, ctx) => ctx.services.orm.em.fork().findOneOrFail(User, { id: ctx.viewer!.userId }),
  }),
);

builder.mutationFields((t) => ({
  login: t.field({
    type: AuthPayload,
    authScopes: anyone(),
    args: { email: t.arg.string({ required: true }), password: t.arg.string({ required: true }) },
    resolve: (_root, args, ctx) => login(ctx.services, args.email, args.password, ctx.clientIp),
  }),
  createUser: t.field({
    type: UserRef,
    authScopes: sessionOnly(['ADMIN']),
    args: {
      email: t.arg.string({ required: true }),
      password: t.arg.string({ required: true }),
      role: t.arg({ type: UserRoleEnum, required: true }),
    },
    resolve: (_root, args, ctx) => createUser(ctx.services, ctx.viewer!, args.email, args.password, args.role),
  }),
}));
