import { lexicographicSortSchema, type GraphQLSchema } from 'graphql';
import { builder } from './builder.ts';
import './schema/enums.ts';
import './schema/user.ts';
import './schema/account.ts';
import './schema/multiplier.ts';
import './schema/instrument.ts';
import './schema/order.ts';
import './schema/order-mutations.ts';
import './schema/api-token.ts';
import './schema/replication.ts';
import './schema/position.ts';
import './schema/drift.ts';
import './schema/audit.ts';
import './schema/square-off.ts';

export const schema: GraphQLSchema = lexicographicSortSchema(builder.toSchema());
