import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

// The console is a static single-page application: `npm run build` writes it to dist/, which the local
// runtime serves at / (and `make console-deploy` uploads to the stack's bucket). Nothing is fetched
// from a CDN: every script, style and font is in dist/.
export default defineConfig({
  plugins: [preact()],
  base: "/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    chunkSizeWarningLimit: 400,
  },
  server: {
    // `npm run dev` (hot reload) beside `make dev`: the API and the local sign-in on the runtime's port
    proxy: { "/v1": "http://127.0.0.1:3000", "/local": "http://127.0.0.1:3000" },
  },
});
