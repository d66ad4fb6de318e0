// How features talk to the API: every document goes through one of these three, typed by the
// document itself (gql.tada), with errors flattened to ApiError (extensions.code/field).
//   createOperation  run on demand (mutations, and queries whose answer the page then edits)
//   createQueryView  a query the component shows: @urql/solid's createQuery, re-run when its
//                    variables change, an answer to an older question never shown
//   subscribe        a subscription with callbacks (the blotter's resumable stream, live status)
import type { AnyVariables, TypedDocumentNode } from '@urql/core';
import { createQuery } from '@urql/solid';
import { batch, createMemo, createSignal, type Accessor, type Signal } from 'solid-js';
import { client } from './client.ts';
import { toApiErrors, type ApiError } from './errors.ts';

// gql.tada types a field the schema lacks as `unknown`; refusing such a document here makes
// `tsc` fail on a document that no longer matches schema.graphql.
type Unknowns<T> = unknown extends T
  ? true
  : T extends readonly (infer Item)[]
    ? Unknowns<Item>
    : T extends object
      ? { [K in keyof T]-?: Unknowns<T[K]> }[keyof T]
      : false;
type KnownFields<Data> = true extends Unknowns<Data> ? { 'selects a field schema.graphql does not have (typed unknown)': never } : unknown;

/** A document made with `graphql()` whose every field is in the schema. */
export type Document<Data, Variables extends AnyVariables> = TypedDocumentNode<Data, Variables> & KnownFields<Data>;

/** The variables argument: optional when the document has no required variable. */
type VariablesArg<Variables> = Record<string, never> extends Variables ? [variables?: Variables] : [variables: Variables];

/** A problem the form found before sending, named like the server names its input paths. */
export interface Problem {
  field: string;
  message: string;
}

export interface Operation<Data, Variables> {
  /** Sends it; resolves to its data, or undefined when it failed (then `errors` says why). */
  run(...variables: VariablesArg<Variables>): Promise<Data | undefined>;
  /** True while a run is under way. */
  busy: Accessor<boolean>;
  /** The last run's errors; cleared when the next one starts. */
  errors: Accessor<readonly ApiError[]>;
  /** Shows problems found before sending as if the server had named those fields. */
  reject(problems: readonly Problem[]): void;
}

function operationKind(document: Pick<TypedDocumentNode, 'definitions'>): 'query' | 'mutation' | 'subscription' {
  for (const definition of document.definitions) if ('operation' in definition) return definition.operation;
  throw new Error('a GraphQL document without an operation');
}

/**
 * A query or mutation the component runs when it needs to. `errors` may be shared by several
 * operations (pass one signal) when a page shows one list for all of them.
 */
export function createOperation<Data, Variables extends AnyVariables>(
  document: Document<Data, Variables>,
  options: { errors?: Signal<readonly ApiError[]> } = {},
): Operation<Data, Variables> {
  const kind = operationKind(document);
  if (kind === 'subscription') throw new Error('subscriptions go through subscribe()');
  const [errors, setErrors] = options.errors ?? createSignal<readonly ApiError[]>([]);
  const [running, setRunning] = createSignal(0);
  return {
    busy: () => running() > 0,
    errors,
    reject: (problems) => setErrors(problems.map((p) => ({ ...p, code: 'BAD_USER_INPUT' }))),
    async run(...[variables]) {
      batch(() => {
        setRunning((n) => n + 1);
        setErrors([]);
      });
      const vars = (variables ?? {}) as Variables;
      const result = await (kind === 'mutation' ? client.mutation(document, vars) : client.query(document, vars)).toPromise();
      batch(() => {
        setRunning((n) => n - 1);
        setErrors(toApiErrors(result.error));
      });
      return result.data ?? undefined;
    },
  };
}

export interface QueryView<Data, Variables> {
  /** The latest answer's data; undefined before the first answer and after a failed one. */
  data: Accessor<Data | undefined>;
  /** The variables that answer was for (a newer question may be under way). */
  answered: Accessor<Variables | undefined>;
  errors: Accessor<readonly ApiError[]>;
  /** True while a newer answer is awaited; `data` still holds the previous one meanwhile. */
  fetching: Accessor<boolean>;
  /** Asks again with the current variables (even while paused). */
  refetch(): void;
}

interface QueryViewOptions<Variables> {
  /** Read reactively: a change sends the query again and drops the answer still awaited. */
  variables?: Accessor<Variables>;
  /** While true, nothing is sent. */
  pause?: Accessor<boolean>;
}

type QueryViewArgs<Variables> =
  Record<string, never> extends Variables
    ? [options?: QueryViewOptions<Variables>]
    : [options: QueryViewOptions<Variables> & { variables: Accessor<Variables> }];

/** A query shown by the component that creates it (inside urql's `<Provider>`), from the network every time. */
export function createQueryView<Data, Variables extends AnyVariables>(
  document: Document<Data, Variables>,
  ...[options]: QueryViewArgs<Variables>
): QueryView<Data, Variables> {
  const [state, reexecute] = createQuery<Data, Variables>({ query: document, variables: options?.variables, pause: options?.pause });
  const errors = createMemo(() => toApiErrors(state.error));
  return {
    data: () => state.data ?? undefined,
    answered: () => state.operation?.variables,
    errors,
    fetching: () => state.fetching,
    refetch: () => reexecute(),
  };
}

/** Callbacks of a subscription started with `subscribe`. */
export interface SubscriptionHandlers<Data> {
  next(data: Data): void;
  error?(errors: ApiError[]): void;
}

/**
 * Starts a subscription and returns the function that ends it: call it from `onCleanup`.
 * A dropped connection is not retried: `error` gets a NETWORK_ERROR and the subscription
 * ends. To resume, start a new one (with the last cursor seen as `after`, for orderEvents).
 */
export function subscribe<Data, Variables extends AnyVariables>(
  document: Document<Data, Variables>,
  variables: Variables,
  handlers: SubscriptionHandlers<Data>,
): () => void {
  const { unsubscribe } = client.subscription(document, variables).subscribe((result) => {
    if (result.error) handlers.error?.(toApiErrors(result.error));
    if (result.data) handlers.next(result.data);
  });
  return unsubscribe;
}
