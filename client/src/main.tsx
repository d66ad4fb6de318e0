import { Provider } from '@urql/solid';
import { render } from 'solid-js/web';
import { client } from './api.ts';
import App from './App.tsx';
import { session } from './session.ts';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

void session.restore();
render(() => (
  <Provider value={client}>
    <App />
  </Provider>
), root);
