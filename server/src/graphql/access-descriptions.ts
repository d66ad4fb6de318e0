// A Pothos plugin that writes into a field's description who may use it, from the very rule the
// field passes to `authScopes`, so the schema third parties read cannot say one thing while the
// server enforces another. Every root field says it; a nested field says it when its rule adds
// something (a nested `anyone()` only means "whoever reached the parent").
import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import { describeAccess, isPublicRule } from './auth-rules.ts';

const ROOT_KINDS: ReadonlySet<string> = new Set(['Query', 'Mutation', 'Subscription']);

/** The field's own description, then its access text as a paragraph of its own. */
export function withAccess(description: string | null | undefined, access: string): string {
  return description ? `${description}\n\n${access}` : access;
}

export class AccessDescriptionsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override onOutputFieldConfig(fieldConfig: PothosOutputFieldConfig<Types>): PothosOutputFieldConfig<Types> {
    const authScopes: unknown = (fieldConfig.pothosOptions as { authScopes?: unknown }).authScopes;
    if (authScopes === undefined) return fieldConfig;
    if (!ROOT_KINDS.has(fieldConfig.kind) && isPublicRule(authScopes)) return fieldConfig;
    const access = describeAccess(authScopes);
    if (access === null) return fieldConfig;
    return { ...fieldConfig, description: withAccess(fieldConfig.description, access) };
  }
}

const pluginName = 'accessDescriptions';

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      accessDescriptions: AccessDescriptionsPlugin<Types>;
    }
  }
}

SchemaBuilder.registerPlugin(pluginName, AccessDescriptionsPlugin);

export default pluginName;
