// Builds the console into dist/console, served by `ferry server` at /console/.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = import.meta.dirname;

export default defineConfig({
  root,
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: `${root}/../../dist/console`,
    emptyOutDir: true,
    // The server's Content-Security-Policy allows no inline script or style.
    assetsInlineLimit: 0,
    sourcemap: false,
    target: 'es2022',
  },
});
