// Files the API serves outside GraphQL (the CSV exports), fetched with the session's bearer
// token in the Authorization header like every other request. The browser never sees the token
// in a URL: the answer is read here and handed to it as a blob to save.
import { authToken, expireAuthToken } from './auth-token.ts';
import type { ApiError } from './errors.ts';

/** The file name a Content-Disposition header gives (`attachment; filename="orders-2026-12-03.csv"`), else `fallback`. */
export function filenameFrom(contentDisposition: string | null, fallback: string): string {
  const name = /filename="([^"]+)"/.exec(contentDisposition ?? '')?.[1];
  // Only a plain name: never a path, never a hidden file.
  return name && /^[\w.-]+$/.test(name) && !name.startsWith('.') ? name : fallback;
}

/** The errors of a refused download, in the GraphQL shape the exports answer with. */
async function refusal(response: Response): Promise<ApiError[]> {
  try {
    const body = (await response.json()) as { errors?: { message: string; extensions?: { code?: string; field?: string } }[] };
    if (body.errors?.length) {
      return body.errors.map((e) => ({
        message: e.message,
        code: e.extensions?.code ?? 'UNKNOWN',
        ...(e.extensions?.field ? { field: e.extensions.field } : {}),
      }));
    }
  } catch {
    // Not JSON (a proxy's error page): the status says enough.
  }
  return [{ message: `The download failed (HTTP ${response.status})`, code: 'UNKNOWN' }];
}

/**
 * Fetches `path` (e.g. /export/orders.csv?accountId=…) with the session's token and saves it
 * under the name the server gives. Resolves to the errors to show; empty when it was saved.
 */
export async function downloadFile(path: string, fallbackName: string): Promise<ApiError[]> {
  const token = authToken();
  let response: Response;
  try {
    response = await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  } catch (error) {
    return [{ message: `The server could not be reached: ${(error as Error).message}`, code: 'NETWORK_ERROR' }];
  }
  if (!response.ok) {
    const errors = await refusal(response);
    if (errors.some((e) => e.code === 'UNAUTHENTICATED')) expireAuthToken();
    return errors;
  }
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = filenameFrom(response.headers.get('content-disposition'), fallbackName);
  link.hidden = true;
  document.body.append(link);
  try {
    link.click();
  } finally {
    link.remove();
    // After the click has handed the blob to the download: revoking at once can cancel it in some browsers.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
  return [];
}
