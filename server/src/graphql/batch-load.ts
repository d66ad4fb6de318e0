import { type GraphQLContext, memoize } from './context.ts';

type Waiting<V> = Map<string, { resolve: (value: V) => void; reject: (error: unknown) => void }>;

const open = new WeakMap<GraphQLContext, Map<string, Waiting<unknown>>>();

/**
 * One key's answer from a batch: every key asked for under `name` before the event loop turns
 * (the same field on each item of a list) goes to one call of `load`, and each key is loaded
 * once per request. `load` must answer every key it is given.
 */
export function loadInBatch<V>(
  ctx: GraphQLContext,
  name: string,
  key: string,
  load: (keys: string[]) => Promise<Map<string, V>>,
): Promise<V> {
  return memoize(
    ctx,
    `${name}:${key}`,
    () =>
      new Promise<V>((resolve, reject) => {
        const batches = open.get(ctx) ?? new Map<string, Waiting<unknown>>();
        open.set(ctx, batches);
        let batch = batches.get(name) as Waiting<V> | undefined;
        if (!batch) {
          const started: Waiting<V> = new Map();
          batches.set(name, started as Waiting<unknown>);
          batch = started;
          setImmediate(() => {
            batches.delete(name);
            load([...started.keys()]).then(
              (values) => {
                for (const [k, waiting] of started) {
                  if (values.has(k)) waiting.resolve(values.get(k)!);
                  else waiting.reject(new Error(`${name} gave no answer for ${k}`));
                }
              },
              (error: unknown) => {
                for (const waiting of started.values()) waiting.reject(error);
              },
            );
          });
        }
        batch.set(key, { resolve, reject });
      }),
  );
}
