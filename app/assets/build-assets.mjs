// Builds app/static (git-ignored) from the pinned npm packages and our own assets:
// KERN's stylesheet reduced to the rules our templates use, the Fira Sans faces we use, htmx,
// plotly.js's basic bundle (bar and scatter traces are all the charts need) and Swagger UI.
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PurgeCSS } from "purgecss";
import subsetFont from "subset-font";

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
// Fira Sans reduced to the characters German pages use (Latin with its extensions, typographic
// quotes and dashes, the euro sign, arrows): a tenth of the size, so the face arrives before
// the first paint on a phone. Anything else falls back to the system font.
const ranges = [
  [0x20, 0x7e], [0xa0, 0x17f], [0x2010, 0x2027], [0x2030, 0x203a], [0x20ac, 0x20ac],
  [0x2190, 0x2195], [0x2212, 0x2212], [0x2264, 0x2265],
];
let glyphs = "";
for (const [from, to] of ranges) {
  for (let code = from; code <= to; code += 1) glyphs += String.fromCodePoint(code);
}
const faces = ["Regular", "Italic", "Medium", "SemiBold", "Bold"];
let fontBytes = [0, 0];
for (const face of faces) {
  const file = `FiraSans-${face}.woff2`;
  const original = readFileSync(join(kern, "fonts", "fira-sans", file));
  const reduced = await subsetFont(original, glyphs, { targetFormat: "woff2" });
  writeFileSync(join(out, "vendor", "kern", "fonts", "fira-sans", file), reduced);
  fontBytes = [fontBytes[0] + original.length, fontBytes[1] + reduced.length];
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
// One stylesheet for every page (one request before the first paint): the font faces, KERN's
// rules and ours, in that order.
writeFileSync(
  join(out, "css", "site.css"),
  [
    readFileSync(fontsCss, "utf8"),
    readFileSync(join(out, "vendor", "kern", "kern.min.css"), "utf8"),
    readFileSync(join(out, "css", "app.css"), "utf8"),
  ].join("\n"),
);
cpSync(join(here, "js"), join(out, "js"), { recursive: true });
cpSync(join(here, "img"), join(out, "img"), { recursive: true });
console.log(
  `assets built into ${out} (KERN stylesheet ${before} -> ${purged.css.length} bytes, ` +
    `fonts ${fontBytes[0]} -> ${fontBytes[1]} bytes)`,
);
