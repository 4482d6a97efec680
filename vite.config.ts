import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Served from app:// (desktop) and from the loopback host (browser mode): relative asset paths work in both.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // antd is most of the bundle; the app loads from local disk, so one chunk is fine
    chunkSizeWarningLimit: 2500,
  },
});
