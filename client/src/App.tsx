import { For, Match, Show, Switch, type JSX } from 'solid-js';
import { Dynamic } from 'solid-js/web';
import AccountsPage from './features/accounts/accounts-page.tsx';
import AuditPage from './features/audit/audit-page.tsx';
import LoginPage from './features/auth/login-page.tsx';
import { session } from './features/auth/session.ts';
import LatencyPage from './features/latency/latency-page.tsx';
import MultipliersPage from './features/multipliers/multipliers-page.tsx';
import BlotterPage from './features/orders/blotter/blotter-page.tsx';
import TicketPage from './features/orders/ticket/ticket-page.tsx';
import OverviewPage from './features/overview/overview-page.tsx';
import PositionsPage from './features/positions/positions-page.tsx';
import TokensPage from './features/tokens/tokens-page.tsx';
import { currentRoute, hashFor, ROUTES, type RouteName } from './navigation/router.ts';

const PAGES: Record<RouteName, () => JSX.Element> = {
  overview: OverviewPage,
  accounts: AccountsPage,
  multipliers: MultipliersPage,
  orders: BlotterPage,
  positions: PositionsPage,
  ticket: TicketPage,
  latency: LatencyPage,
  tokens: TokensPage,
  audit: AuditPage,
};

// A CLIENT places no orders: the order ticket has nothing for them.
const HIDDEN_FOR_CLIENT: ReadonlySet<RouteName> = new Set(['ticket']);

function visibleRoutes() {
  return ROUTES.filter((r) => !(session.readOnly() && HIDDEN_FOR_CLIENT.has(r.name)));
}

/** The shell: a header with the navigation, who is signed in and Log out; the current page below. */
export default function App() {
  const page = () => {
    const name = currentRoute();
    return session.readOnly() && HIDDEN_FOR_CLIENT.has(name) ? 'overview' : name;
  };
  return (
    <Switch fallback={<LoginPage />}>
      <Match when={session.signedIn()}>
        <header class="app-header">
          <a class="brand" href={hashFor('overview')}>
            Tandem
          </a>
          <nav aria-label="Main">
            <For each={visibleRoutes()}>
              {(r) => (
                <a href={hashFor(r.name)} aria-current={page() === r.name ? 'page' : undefined}>
                  {r.label}
                </a>
              )}
            </For>
          </nav>
          <div class="who">
            <span class="who-email" title={session.user()?.email}>
              {session.user()?.email}
            </span>
            <span class="role">{session.role()}</span>
            <button type="button" onClick={() => session.logout()}>
              Log out
            </button>
          </div>
        </header>
        <Show when={session.readOnly()}>
          <p class="read-only-note">
            You are signed in as a client: you can pause copying into your accounts and enter your own broker credentials; everything else
            is read-only.
          </p>
        </Show>
        <main class="page">
          <Dynamic component={PAGES[page()]} />
        </main>
      </Match>
      <Match when={session.loading() && session.token() !== null}>
        <p class="page">Signing in…</p>
      </Match>
    </Switch>
  );
}
