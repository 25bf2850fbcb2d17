/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url';
import { defineConfig, loadEnv } from 'vite';
import react from '@vitejs/plugin-react';

// Paths the dev server forwards to a running Gatehouse server, so `npm run dev`
// talks to the real API on the same origin as the app (as in production).
const API_PREFIXES = [
  '/v1',
  '/v2',
  '/get_roles',
  '/get_role_data',
  '/gatehouse',
  '/healthz',
  '/pages',
  '/npm',
];

export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, process.cwd(), 'VITE_');
  const target = env.VITE_GATEHOUSE_URL || 'http://127.0.0.1:8080';
  return {
    plugins: [react()],
    resolve: {
      alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
    },
    server: {
      host: '127.0.0.1',
      port: 5173,
      proxy: Object.fromEntries(
        API_PREFIXES.map((prefix) => [prefix, { target, changeOrigin: false }]),
      ),
    },
    build: {
      outDir: 'dist',
      // One CSS file per entry; the server's CSP forbids inline <style> elements.
      cssCodeSplit: false,
      sourcemap: false,
      // Keep the inline-asset threshold at zero: data: URIs would need a wider CSP.
      assetsInlineLimit: 0,
      // Two entries: Gatehouse's own app at / and the tutorial's pages at /tutorial/.
      rollupOptions: {
        input: {
          main: fileURLToPath(new URL('./index.html', import.meta.url)),
          tutorial: fileURLToPath(new URL('./tutorial/index.html', import.meta.url)),
        },
      },
    },
    test: {
      environment: 'jsdom',
      globals: true,
      setupFiles: ['./src/testing/setup.ts'],
      include: ['src/**/*.test.{ts,tsx}'],
      css: false,
      restoreMocks: true,
    },
  };
});
