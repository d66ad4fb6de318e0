import './styles.css';
import './ui/ui.css';
import { Provider } from '@urql/solid';
import { render } from 'solid-js/web';
import App from './App.tsx';
import { session } from './features/auth/session.ts';
import { client } from './graphql/client.ts';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

void session.restore();
render(
  () => (
    <Provider value={client}>
      <App />
    </Provider>
  ),
  root,
);
