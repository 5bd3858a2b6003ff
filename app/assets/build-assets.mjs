// Copies the pinned npm packages and our own assets into app/static (git-ignored).
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const out = join(root, "app", "static");
const modules = join(root, "node_modules");

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "vendor", "kern", "fonts"), { recursive: true });
mkdirSync(join(out, "vendor", "htmx"), { recursive: true });

const kern = join(modules, "@kern-ux", "native", "dist");
cpSync(join(kern, "kern.min.css"), join(out, "vendor", "kern", "kern.min.css"));
cpSync(join(kern, "fonts", "fira-sans.css"), join(out, "vendor", "kern", "fonts", "fira-sans.css"));
cpSync(join(kern, "fonts", "fira-sans"), join(out, "vendor", "kern", "fonts", "fira-sans"), {
  recursive: true,
});
cpSync(join(modules, "htmx.org", "dist", "htmx.min.js"), join(out, "vendor", "htmx", "htmx.min.js"));
// Swagger UI for /docs, served from here so the Content-Security-Policy can stay 'self' only.
mkdirSync(join(out, "vendor", "swagger-ui"), { recursive: true });
for (const file of ["swagger-ui-bundle.js", "swagger-ui.css"]) {
  cpSync(join(modules, "swagger-ui-dist", file), join(out, "vendor", "swagger-ui", file));
}
cpSync(join(here, "css"), join(out, "css"), { recursive: true });
cpSync(join(here, "js"), join(out, "js"), { recursive: true });
cpSync(join(here, "img"), join(out, "img"), { recursive: true });
console.log(`assets built into ${out}`);
