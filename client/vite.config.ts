import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

const clientRoot = fileURLToPath(new URL('.', import.meta.url));
// The dev server forwards the API to a running Tandem (`npm start`, port 4000 unless PORT says otherwise).
const apiTarget = `http://127.0.0.1:${process.env.PORT ?? '4000'}`;

/** The dashboard: built into client/dist, which the server serves at `/`. */
export default defineConfig({
  root: clientRoot,
  base: '/',
  plugins: [solid()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
  },
  server: {
    port: 5173,
    proxy: {
      '/graphql': { target: apiTarget, ws: true, changeOrigin: true },
    },
  },
});
