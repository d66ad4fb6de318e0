import {
  getOperationAST,
  getVariableValues,
  isInputObjectType,
  isListType,
  isNonNullType,
  Kind,
  TypeInfo,
  valueFromAST,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLInputType,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { badInputs } from '../core/errors.ts';
import { dateProblem, textProblem } from '../core/input-rules.ts';
import { maskError } from './errors.ts';

type Problem = { field: string; message: string };

/** Enough to say what is wrong without a wall of text when a list is full of bad entries. */
const MAX_REPORTED = 20;

/** Walks one argument's value by its input type; `field` is the input path, "input.symbolsAllow[2]". */
function inspect(value: unknown, type: GraphQLInputType, field: string, problems: Problem[]): void {
  if (value === null || value === undefined) return;
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) {
    if (Array.isArray(value)) for (const [index, item] of value.entries()) inspect(item, inner.ofType, `${field}[${index}]`, problems);
    return;
  }
  if (isInputObjectType(inner)) {
    for (const [name, definition] of Object.entries(inner.getFields())) {
      inspect((value as Record<string, unknown>)[name], definition.type, `${field}.${name}`, problems);
    }
    return;
  }
  const problem = typeof value === 'string' ? textProblem(value) : value instanceof Date ? dateProblem(value) : null;
  if (problem) problems.push({ field, message: problem });
}

/**
 * Every argument of the operation as the resolvers will get it (variables and inline literals
 * coerced, nested inputs and lists included), checked against the rules no field may break:
 * no control characters or lone surrogates, no oversized strings, no dates PostgreSQL cannot hold.
 * Field-specific limits (an email's length, a factor's range) are the services' to check.
 */
export function inputProblems(args: Pick<ExecutionArgs, 'schema' | 'document' | 'operationName' | 'variableValues'>): Problem[] {
  const operation = getOperationAST(args.document, args.operationName);
  if (!operation) return [];
  const raw = args.variableValues && typeof args.variableValues === 'object' ? args.variableValues : {};
  const variables = getVariableValues(args.schema, operation.variableDefinitions ?? [], raw);
  // Variables that do not coerce are refused by execution itself, with their own message.
  if (variables.errors) return [];
  const problems: Problem[] = [];
  const typeInfo = new TypeInfo(args.schema);
  const fragments = args.document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  for (const definition of [operation, ...fragments] as DocumentNode['definitions']) {
    visit(
      definition,
      visitWithTypeInfo(typeInfo, {
        Argument(node) {
          const argument = typeInfo.getArgument();
          if (!argument) return false;
          inspect(valueFromAST(node.value, argument.type, variables.coerced), argument.type, argument.name, problems);
          return false;
        },
      }),
    );
  }
  // A field asked for twice (aliases, fragments) reports its argument once.
  const unique = [...new Map(problems.map((p) => [p.field, p])).values()];
  return unique.slice(0, MAX_REPORTED);
}

/**
 * Refuses an operation whose arguments break `inputProblems` before any resolver runs, over
 * HTTP, SSE and graphql-ws alike (all three execute through this envelop), as BAD_USER_INPUT
 * naming every offending input path.
 */
export function useInputGuard(log: Logger): Plugin {
  const guard = (args: ExecutionArgs, stop: (result: ExecutionResult) => void) => {
    const problems = inputProblems(args);
    if (problems.length > 0) stop({ errors: [maskError(badInputs(problems), log)] });
  };
  return {
    onExecute: ({ args, setResultAndStopExecution }) => guard(args, setResultAndStopExecution),
    onSubscribe: ({ args, setResultAndStopExecution }) => guard(args, setResultAndStopExecution),
  };
}
