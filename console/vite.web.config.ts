import preact from "@preact/preset-vite";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The client's pages (web/): the booking page, the manage and feedback pages and the local phone view,
// built beside the console into dist/ (after it: the console's build empties dist/ first), so the
// local runtime serves them and `make console-deploy` uploads them with it, at the same URLs
// (/book.html, /manage.html, ...). `--mode embed` builds embed.js, the one script a salon's own site
// adds, as a classic script (IIFE) at a fixed name. Nothing comes from a CDN.
const web = fileURLToPath(new URL("../web/", import.meta.url));
const dist = fileURLToPath(new URL("./dist/", import.meta.url));
export const PAGES = ["book", "manage", "feedback", "phone"] as const;

export default defineConfig(({ mode }) =>
  mode === "embed"
    ? {
        root: web,
        publicDir: false,
        build: {
          outDir: dist,
          emptyOutDir: false,
          target: "es2019",
          sourcemap: false,
          lib: { entry: `${web}src/embed/embed.ts`, formats: ["iife"], name: "RegularsEmbed", fileName: () => "embed.js" },
        },
      }
    : {
        root: web,
        base: "/",
        publicDir: `${web}public`,
        plugins: [preact()],
        build: {
          outDir: dist,
          emptyOutDir: false,
          target: "es2022",
          sourcemap: false,
          rollupOptions: { input: Object.fromEntries(PAGES.map((p) => [p, `${web}${p}.html`])) },
        },
        test: { root: web, include: ["src/**/*.test.ts"], environment: "node" },
      },
);
