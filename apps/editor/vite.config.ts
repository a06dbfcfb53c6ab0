import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The runtime serves this build at `/`, so assets are absolute from the root. In dev, API calls are
// proxied to a runtime on :3000 so the editor and the API share an origin as they do in production.
export default defineConfig({
  base: '/',
  plugins: [react()],
  resolve: { conditions: ['plugboard-source', 'module', 'browser', 'import', 'default'] },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 900 },
  server: {
    proxy: { '/v1': 'http://127.0.0.1:3000', '/health': 'http://127.0.0.1:3000' },
  },
});
