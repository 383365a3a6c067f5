/**
 * Builds the renderer into dist/renderer. The Electron shell loads it from file:// and the
 * headless server serves it over HTTP, so every asset URL is relative (base './').
 * No React plugin: Vite 8 transforms TSX with oxc, told here to use the automatic JSX runtime.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    // The CSP forbids inline scripts; never inline assets as data: modules either.
    modulePreload: { polyfill: false },
  },
  server: {
    // `npx vite --config renderer/vite.config.ts` for UI work: proxy the API to a running
    // `npm run serve` (RACKPILOT_API, default http://127.0.0.1:8710).
    proxy: {
      '/api': { target: process.env.RACKPILOT_API ?? 'http://127.0.0.1:8710', ws: true, changeOrigin: true, rewriteWsOrigin: true },
    },
  },
});
