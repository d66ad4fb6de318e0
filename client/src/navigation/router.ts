import { createSignal } from 'solid-js';
import { hashFor, paramsFromHash, routeFromHash, type RouteName } from './routes.ts';

export { ROUTES, hashFor, type RouteName } from './routes.ts';

const [hash, setHash] = createSignal(window.location.hash);
window.addEventListener('hashchange', () => setHash(window.location.hash));

/** The current page's name, from the location hash ("#/orders"). Reactive. */
export const currentRoute = (): RouteName => routeFromHash(hash());

/** The current hash's parameters ("#/orders?symbol=SBIN-EQ"), for pages that keep filters in the URL. Reactive. */
export const routeParams = (): URLSearchParams => paramsFromHash(hash());

/** Opens a page (a history entry, so Back works). */
export function navigate(name: RouteName, params?: Record<string, string>): void {
  window.location.hash = hashFor(name, params);
}
