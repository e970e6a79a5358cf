import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** Where `npm run dev` finds a running Quarry server (`npm start`). */
const SERVER = 'http://localhost:3000';

export default defineConfig({
  // The server mounts the built console at /admin; asset URLs must carry that prefix.
  base: '/admin/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true },
  server: {
    proxy: {
      '/api': SERVER,
      '/ws': { target: SERVER.replace('http', 'ws'), ws: true },
    },
  },
});
