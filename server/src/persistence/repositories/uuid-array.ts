/**
 * Ids as one parameter, in PostgreSQL's array literal (`{a,b}`), for `?::uuid[]`: the query
 * builder would spread a JS array into a list of parameters, one per id. Callers pass ids the
 * database gave out or parseId checked, so nothing needs escaping.
 */
export const uuidArray = (ids: readonly string[]): string => `{${ids.join(',')}}`;
