import {
  ACCOUNT_ROLES,
  API_TOKEN_SCOPES,
  BROKERS,
  MULTIPLIER_MODES,
  ORDER_STATUSES,
  ORDER_TYPES,
  PRODUCT_TYPES,
  SIDES,
  USER_ROLES,
  VARIETIES,
  ZERO_QUANTITY_POLICIES,
  CONNECTION_STATUSES,
} from '../../core/types.ts';
import { builder } from '../builder.ts';

export const BrokerEnum = builder.enumType('Broker', { values: BROKERS });
export const AccountRoleEnum = builder.enumType('AccountRole', { values: ACCOUNT_ROLES });
export const UserRoleEnum = builder.enumType('UserRole', { values: USER_ROLES });
export const SideEnum = builder.enumType('Side', { values: SIDES });
export const OrderTypeEnum = builder.enumType('OrderType', { values: ORDER_TYPES });
export const ProductTypeEnum = builder.enumType('ProductType', { values: PRODUCT_TYPES });
export const VarietyEnum = builder.enumType('Variety', { values: VARIETIES });
export const MultiplierModeEnum = builder.enumType('MultiplierMode', { values: MULTIPLIER_MODES });
export const ZeroQuantityPolicyEnum = builder.enumType('ZeroQuantityPolicy', { values: ZERO_QUANTITY_POLICIES });
export const OrderStatusEnum = builder.enumType('OrderStatus', { values: ORDER_STATUSES });
export const ConnectionStatusEnum = builder.enumType('ConnectionStatus', { values: CONNECTION_STATUSES });
export const ApiTokenScopeEnum = builder.enumType('ApiTokenScope', {
  values: Object.fromEntries(API_TOKEN_SCOPES.map((scope) => [scope.replace(':', '_').toUpperCase(), { value: scope }])) as Record<
    string,
    { value: (typeof API_TOKEN_SCOPES)[number] }
  >,
});
