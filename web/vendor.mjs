// Copies the pinned third-party files the web terminal uses from
// node_modules into crates/server/assets/vendor/, where they are committed
// and compiled into the binary (building newsterm never needs node).
// Rebuild with: cd web && npm ci && npm run vendor
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "crates", "server", "assets", "vendor");
mkdirSync(out, { recursive: true });

const files = [
  ["uplot/dist/uPlot.iife.min.js", "uPlot.iife.min.js"],
  ["uplot/dist/uPlot.min.css", "uPlot.min.css"],
  ["d3-array/dist/d3-array.min.js", "d3-array.min.js"],
  ["d3-geo/dist/d3-geo.min.js", "d3-geo.min.js"],
  ["topojson-client/dist/topojson-client.min.js", "topojson-client.min.js"],
  ["world-atlas/countries-110m.json", "countries-110m.json"],
];
mkdirSync(join(out, "licenses"), { recursive: true });
for (const [from, to] of files) {
  copyFileSync(join(here, "node_modules", from), join(out, to));
  const name = from.split("/")[0];
  const pkg = JSON.parse(readFileSync(join(here, "node_modules", name, "package.json"), "utf8"));
  copyFileSync(join(here, "node_modules", name, "LICENSE"), join(out, "licenses", `${name}.txt`));
  console.log(`${to}  ←  ${pkg.name}@${pkg.version} (${pkg.license})`);
}
// d3-array's bundle includes internmap: its licence ships too.
copyFileSync(join(here, "node_modules", "internmap", "LICENSE"), join(out, "licenses", "internmap.txt"));
