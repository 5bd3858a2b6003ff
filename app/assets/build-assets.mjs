// Builds app/static (git-ignored) from the pinned npm packages and our own assets:
// KERN's stylesheet reduced to the rules our templates use, the Fira Sans faces we use, htmx,
// plotly.js's basic bundle (bar and scatter traces are all the charts need) and Swagger UI.
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PurgeCSS } from "purgecss";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const out = join(root, "app", "static");
const modules = join(root, "node_modules");

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "vendor", "kern", "fonts", "fira-sans"), { recursive: true });
mkdirSync(join(out, "vendor", "htmx"), { recursive: true });
mkdirSync(join(out, "vendor", "plotly"), { recursive: true });

// KERN: only the rules whose selectors occur in our templates, Python code (classes set there)
// or scripts. Classes composed at run time are kept by the patterns below.
const kern = join(modules, "@kern-ux", "native", "dist");
const [purged] = await new PurgeCSS().purge({
  content: [
    join(root, "templates", "**", "*.html"),
    join(root, "app", "**", "*.py"),
    join(here, "js", "*.js"),
  ],
  css: [join(kern, "kern.min.css")],
  safelist: {
    standard: [/^kern-alert--/, /^kern-badge--/, /^kern-btn--/, /^htmx-/],
    greedy: [/data-theme/],
  },
  variables: false,
  keyframes: false,
  fontFace: false,
});
writeFileSync(join(out, "vendor", "kern", "kern.min.css"), purged.css);
const before = readFileSync(join(kern, "kern.min.css")).length;
const faces = ["Regular", "Italic", "Medium", "SemiBold", "Bold"];
for (const face of faces) {
  const file = `FiraSans-${face}.woff2`;
  cpSync(join(kern, "fonts", "fira-sans", file), join(out, "vendor", "kern", "fonts", "fira-sans", file));
}
cpSync(join(modules, "htmx.org", "dist", "htmx.min.js"), join(out, "vendor", "htmx", "htmx.min.js"));
cpSync(
  join(modules, "plotly.js-basic-dist-min", "plotly-basic.min.js"),
  join(out, "vendor", "plotly", "plotly-basic.min.js"),
);
// Swagger UI for /docs, served from here so the Content-Security-Policy can stay 'self' only.
mkdirSync(join(out, "vendor", "swagger-ui"), { recursive: true });
for (const file of ["swagger-ui-bundle.js", "swagger-ui.css"]) {
  cpSync(join(modules, "swagger-ui-dist", file), join(out, "vendor", "swagger-ui", file));
}
cpSync(join(here, "css"), join(out, "css"), { recursive: true });
// Font URLs carry their content hash like every other asset URL (app.core.web.static_url), so
// browsers may keep them for a year and the preload links match them exactly.
const fontsCss = join(out, "css", "fonts.css");
writeFileSync(
  fontsCss,
  readFileSync(fontsCss, "utf8").replace(/url\("\.\.\/(vendor\/[^"]+\.woff2)"\)/g, (_match, path) => {
    const hash = createHash("sha256").update(readFileSync(join(out, path))).digest("hex").slice(0, 10);
    return `url("../${path}?v=${hash}")`;
  }),
);
cpSync(join(here, "js"), join(out, "js"), { recursive: true });
cpSync(join(here, "img"), join(out, "img"), { recursive: true });
console.log(
  `assets built into ${out} (KERN stylesheet ${before} -> ${purged.css.length} bytes)`,
);
