/// <reference types="vitest/config" />
import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import AutoImport from 'unplugin-auto-import/vite'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

// `npm run dev` proxies the API to a running gateway: ZJTX_GATEWAY=http://127.0.0.1:8080
const gateway = process.env.ZJTX_GATEWAY ?? 'http://127.0.0.1:8080'

export default defineConfig({
  plugins: [
    vue(),
    // Element Plus components and their styles imported on demand (first load <= 300 KB gzipped)
    AutoImport({ resolvers: [ElementPlusResolver()], dts: 'auto-imports.d.ts' }),
    Components({ resolvers: [ElementPlusResolver()], dts: 'components.d.ts' }),
  ],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  server: { proxy: { '/api': { target: gateway, changeOrigin: false } } },
  preview: { proxy: { '/api': { target: gateway, changeOrigin: false } } },
  build: { outDir: 'dist', sourcemap: false, chunkSizeWarningLimit: 600 },
  test: { environment: 'jsdom', include: ['src/**/*.test.ts'], server: { deps: { inline: ['element-plus'] } } },
})
