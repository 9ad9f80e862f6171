import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Hashed file names under /assets/ are what the gateway caches as immutable.
    assetsDir: 'assets',
    // No inline <script> or module-preload polyfill: the Content-Security-Policy allows only same-origin script files.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: {
    // `npm run dev` against a gateway started by ./run.sh.
    proxy: { '/api': 'http://127.0.0.1:5300', '/v1': 'http://127.0.0.1:5300' },
  },
});
