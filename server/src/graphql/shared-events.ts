import type { Plugin } from 'graphql-yoga';
import {
  createSourceEventStream,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  execute,
  GraphQLError,
  getOperationAST,
  getVariableValues,
  type OperationDefinitionNode,
  visit,
} from 'graphql';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.ts';
import type { GraphQLContext } from './context.ts';
import { maskError } from './errors.ts';
import { batchesOf, eventStreamResponse, type ResultBatches } from './event-stream-writer.ts';
import { maskedResult, sceneOf } from './operation-errors.ts';

/**
 * One execution per event for every subscriber that would get the same answer.
 *
 * graphql-js runs a subscription's selection once per event per subscriber: with a thousand
 * dashboards on one feed, every order change was resolved a thousand times. An event's answer
 * depends only on the event, the document, the variables the selection reads, and who asks (the
 * user, the role and the token's scopes decide every rule and every visible account), so those
 * make the key: the first subscriber to reach an event runs it, the rest take its result. The
 * root field's own arguments (`accountId`, `after`) only choose which events a stream carries,
 * which each stream still does for itself, so two dashboards resuming at different cursors
 * still share. Events are shared by identity: PubSub hands every stream the same message.
 */
export function useSharedEvents(metrics: Metrics, log: Logger): Plugin {
  const answers: Answers = { byEvent: new WeakMap(), metrics, log, batches: new WeakMap() };
  return {
    onSubscribe({ subscribeFn, setSubscribeFn }) {
      setSubscribeFn((args: ExecutionArgs) => sharedSubscribe(args, subscribeFn, answers));
    },
    // SSE responses are written by event-stream-writer.ts, in batches. A stream made here is read
    // directly, a batch per wake-up; Yoga's wrappers around it (error masking, the same as
    // `maskedResult` below) are then only ended, never read.
    onResultProcess({ request, result, setResultProcessor }) {
      if (!isAsyncIterable(result)) return;
      if (!request.headers.get('accept')?.includes('text/event-stream')) return;
      const own = answers.batches.get(request);
      const wrapped = result as AsyncIterable<ExecutionResult>;
      setResultProcessor(
        (_result, fetchAPI) =>
          eventStreamResponse(
            fetchAPI,
            own ? { nextBatch: own.nextBatch, return: async () => wrapped[Symbol.asyncIterator]().return?.() } : batchesOf(wrapped),
          ),
        'text/event-stream',
      );
    },
  };
}

interface Answers {
  /** Per event (the PubSub message object), the answers already computed, by key. */
  byEvent: WeakMap<object, Map<string, Promise<ExecutionResult>>>;
  metrics: Metrics;
  log: Logger;
  /** Streams made here, by the HTTP request they answer (graphql-ws has none): read in batches. */
  batches: WeakMap<object, Pick<ResultBatches, 'nextBatch'>>;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

const documentIds = new WeakMap<DocumentNode, number>();
let nextDocumentId = 1;
/** Per operation, the variables its answers read (those used outside the root field's arguments). */
const readVariables = new WeakMap<OperationDefinitionNode, string[]>();

function variablesRead(document: DocumentNode, operation: OperationDefinitionNode): string[] {
  let names = readVariables.get(operation);
  if (names) return names;
  const rootArguments = new Set<unknown>();
  for (const selection of operation.selectionSet.selections)
    if (selection.kind === 'Field') for (const argument of selection.arguments ?? []) rootArguments.add(argument);
  const used = new Set<string>();
  const collect = { Variable: (node: { name: { value: string } }) => void used.add(node.name.value) };
  // Fragments count wherever they are used; the operation's own definitions are not usages.
  for (const definition of document.definitions) if (definition.kind === 'FragmentDefinition') visit(definition, collect);
  visit(operation.selectionSet, {
    Argument: (node) => (rootArguments.has(node) ? false : undefined),
    ...collect,
  });
  names = [...used].sort();
  readVariables.set(operation, names);
  return names;
}

function keyOf(args: ExecutionArgs, operation: OperationDefinitionNode): string | null {
  const viewer = (args.contextValue as GraphQLContext | undefined)?.viewer;
  if (!viewer) return null;
  let documentId = documentIds.get(args.document);
  if (documentId === undefined) {
    documentId = nextDocumentId++;
    documentIds.set(args.document, documentId);
  }
  const values = args.variableValues ?? {};
  const read = variablesRead(args.document, operation).map((name) => [name, values[name] ?? null]);
  const scopes = viewer.scopes === null ? '*' : [...viewer.scopes].sort().join(',');
  return JSON.stringify([documentId, args.operationName ?? null, read, viewer.userId, viewer.role, scopes]);
}

async function sharedSubscribe(
  args: ExecutionArgs,
  fallback: (args: ExecutionArgs) => unknown,
  answers: Answers,
): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const operation = getOperationAST(args.document, args.operationName);
  const key = operation ? keyOf(args, operation) : null;
  // Unusual documents and bad variables take graphql's own path (and its error codes).
  if (!operation || key === null) return fallback(args) as Promise<ExecutionResult>;
  const coerced = getVariableValues(args.schema, operation.variableDefinitions ?? [], args.variableValues ?? {});
  if (coerced.errors) return fallback(args) as Promise<ExecutionResult>;
  const stream = await createSourceEventStream(args);
  if (!isAsyncIterator(stream)) return stream as ExecutionResult;
  const executed = answers.metrics.subscriptionAnswers.labels('executed');
  const shared = answers.metrics.subscriptionAnswers.labels('shared');
  const run = (event: unknown) => {
    executed.inc();
    return Promise.resolve(execute({ ...args, rootValue: event }));
  };
  const answer = (event: unknown): Promise<ExecutionResult> => {
    if (typeof event !== 'object' || event === null) return run(event);
    let results = answers.byEvent.get(event);
    if (!results) {
      results = new Map();
      answers.byEvent.set(event, results);
    }
    let result = results.get(key);
    if (result) shared.inc();
    else {
      result = run(event);
      results.set(key, result);
    }
    return result;
  };
  const located = (error: unknown) =>
    error instanceof GraphQLError
      ? error
      : new GraphQLError(error instanceof Error ? error.message : String(error), {
          nodes: [operation],
          originalError: error instanceof Error ? error : undefined,
        });
  const request = (args.contextValue as { request?: object } | undefined)?.request;
  if (request && isBatchSource(stream)) {
    answers.batches.set(request, {
      // What Yoga's wrappers do to each result, done here for a batch: masked errors, and a
      // stream that fails ends with its error as the last result.
      nextBatch: () =>
        stream.nextBatch().then(
          ({ items, done }) =>
            Promise.all(items.map(answer)).then((results) => ({ results: results.map((r) => maskedResult(r, answers.log, args)), done })),
          (error: unknown) => ({ results: [{ errors: [maskError(located(error), answers.log, sceneOf(args))] }], done: true }),
        ),
    });
  }
  return mapEvents(stream, answer, (error) => {
    throw located(error);
  });
}

/** A source that can hand over everything it has queued at once (AsyncQueue). */
function isBatchSource(
  stream: AsyncIterator<unknown>,
): stream is AsyncIterator<unknown> & { nextBatch(): Promise<{ items: unknown[]; done: boolean }> } {
  return typeof (stream as { nextBatch?: unknown }).nextBatch === 'function';
}

function isAsyncIterator(value: unknown): value is AsyncIterator<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as AsyncIterator<unknown>).next === 'function';
}

/**
 * The source stream mapped to answers. Written out rather than as an async generator, so that a
 * client leaving (`return`) ends the source at once instead of after its next event.
 */
function mapEvents(
  source: AsyncIterator<unknown>,
  answer: (event: unknown) => Promise<ExecutionResult>,
  onError: (error: unknown) => never,
): AsyncIterableIterator<ExecutionResult> {
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    next() {
      // Chained rather than awaited: each event costs every subscriber a few promises, no more.
      return source
        .next()
        .then(
          (step) => (step.done ? { value: undefined, done: true as const } : answer(step.value).then((value) => ({ value, done: false }))),
          onError,
        );
    },
    async return() {
      await source.return?.();
      return { value: undefined, done: true };
    },
    async throw(error: unknown) {
      if (source.throw) await source.throw(error);
      return { value: undefined, done: true };
    },
  };
}
