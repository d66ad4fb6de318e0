import { CombinedError } from '@urql/core';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { errorForField, errorsOutside, toApiErrors } from '../../client/src/graphql/errors.ts';

const gqlError = (message: string, extensions: Record<string, unknown>) => new GraphQLError(message, { extensions });

describe('server errors as the forms show them', () => {
  it('keeps the code and the field the server blamed', () => {
    const errors = toApiErrors(
      new CombinedError({
        graphQLErrors: [gqlError('factor must be a non-zero number', { code: 'BAD_USER_INPUT', field: 'input.factor' })],
      }),
    );
    expect(errors).toEqual([{ message: 'factor must be a non-zero number', code: 'BAD_USER_INPUT', field: 'input.factor' }]);
    expect(errorForField(errors, 'factor')).toBe('factor must be a non-zero number');
    expect(errorForField(errors, 'fixedLots')).toBeUndefined();
  });

  it('splits several problems into one message per field, each under its own input', () => {
    const problems = [
      { field: 'input.credentials.pin', message: 'pin must be 4 to 6 digits' },
      { field: 'input.maxOrdersPerDay', message: 'maxOrdersPerDay must be a positive whole number' },
    ];
    const errors = toApiErrors(
      new CombinedError({
        graphQLErrors: [
          gqlError('input.credentials.pin: ...; input.maxOrdersPerDay: ...', {
            code: 'BAD_USER_INPUT',
            field: 'input.credentials.pin',
            problems,
          }),
        ],
      }),
    );
    expect(errorForField(errors, 'credentials.pin')).toBe('pin must be 4 to 6 digits');
    expect(errorForField(errors, 'maxOrdersPerDay')).toBe('maxOrdersPerDay must be a positive whole number');
    expect(errorForField(errors, 'apiKey')).toBeUndefined();
  });

  it('matches whole path segments only: "role" is not "mode", "pin" is not "spin"', () => {
    const errors = [{ message: 'bad', code: 'BAD_USER_INPUT', field: 'input.spin' }];
    expect(errorForField(errors, 'pin')).toBeUndefined();
    expect(errorForField(errors, 'spin')).toBe('bad');
  });

  it('shows what belongs to no input once for the form: FORBIDDEN, CONFLICT without a known field, network', () => {
    const errors = [
      { message: 'you may not', code: 'FORBIDDEN' },
      { message: 'exists already', code: 'CONFLICT', field: 'input.clientCode' },
      { message: 'odd', code: 'BAD_USER_INPUT', field: 'input.somethingElse' },
    ];
    expect(errorsOutside(errors, ['clientCode', 'label']).map((e) => e.code)).toEqual(['FORBIDDEN', 'BAD_USER_INPUT']);
    const offline = toApiErrors(new CombinedError({ networkError: new Error('Failed to fetch') }));
    expect(offline).toEqual([{ message: 'The server could not be reached: Failed to fetch', code: 'NETWORK_ERROR' }]);
  });

  it('gives an error without a code the code UNKNOWN, and no error nothing', () => {
    expect(toApiErrors(new CombinedError({ graphQLErrors: [gqlError('boom', {})] }))[0]!.code).toBe('UNKNOWN');
    expect(toApiErrors(undefined)).toEqual([]);
  });
});
