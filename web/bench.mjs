// Benchmark of the web terminal (not a test: it measures and prints).
//   cargo build --release -p newsterm
//   cd web && npm ci && node bench.mjs ../target/release/newsterm
// Starts `newsterm serve` on a fresh data directory and a loopback port,
// imports the bundled Wikinews archive, and drives Debian's chromium:
//   1. page weight: bytes on the wire (compressed) for the first load of
//      N (headlines only) and of TOP (with map, chart, moving now);
//   2. time to first headline: navigation start → first row on screen,
//      over 15 cold loads;
//   3. rendering under load: headlines published at a steady rate while
//      the page records every animation frame; frame times and whether
//      every headline reached the list;
//   4. a monitor holding 10,000 rows: frame times while scrolling it.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir, cpus } from "node:os";
import { createInterface } from "node:readline";
import { gunzipSync } from "node:zlib";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { bulkStories } from "./bulk.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const BIN = process.argv[2] || join(here, "..", "target", "release", "newsterm");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const data = mkdtempSync(join(tmpdir(), "newsterm-webbench-"));

const child = spawn(BIN, ["serve", "--listen", "127.0.0.1:0", "--data", data], { env: { ...process.env, RUST_LOG: "warn" }, stdio: ["ignore", "pipe", "inherit"] });
const base = await new Promise((resolve, reject) => {
  createInterface({ input: child.stdout }).once("line", (l) => {
    const m = l.match(/^newsterm listening on (\S+)/);
    m ? resolve(m[1]) : reject(new Error(l));
  });
});
const cleanup = () => { try { child.kill("SIGKILL"); } catch (_) { /* gone */ } rmSync(data, { recursive: true, force: true }); };
process.on("exit", cleanup);

async function post(path, body, type) {
  const r = await fetch(base + path, { method: "POST", headers: { "content-type": type }, body });
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return r.json();
}
const corpus = gunzipSync(readFileSync(join(here, "..", "crates", "newsterm", "data", "wikinews_articles.jsonl.gz"))).toString("utf8").split("\n").filter((l) => l.trim());
for (let i = 0; i < corpus.length; i += 100) await post("/api/import", corpus.slice(i, i + 100).join("\n"), "application/x-ndjson");

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]; };
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

console.log(`newsterm web terminal benchmark — ${cpus().length} cores (${cpus()[0].model}), server ${BIN}, ${corpus.length} archive stories`);

// 1. Page weight.
async function weigh(hash, ready) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: "dark" });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  const byUrl = new Map();
  const urls = new Map();
  cdp.on("Network.requestWillBeSent", (e) => urls.set(e.requestId, e.request.url));
  cdp.on("Network.loadingFinished", (e) => byUrl.set(urls.get(e.requestId), e.encodedDataLength));
  await page.goto(`${base}/${hash}`);
  await page.locator(ready).first().waitFor({ timeout: 30000 });
  await page.waitForTimeout(1500);
  await context.close();
  let assets = 0, api = 0;
  for (const [url, n] of byUrl) {
    if (url.includes("/api/stream")) continue; // open streams never finish
    if (url.includes("/api/") || url.includes("/healthz")) api += n;
    else assets += n;
  }
  return { assets, api, requests: byUrl.size };
}
const n = await weigh("#/N", "#view .row");
const top = await weigh("#/TOP", "#side svg .marker");
console.log("\n## Page weight (bytes on the wire, compressed, headers included)");
console.log(`| first load | page, scripts, styles, map data | API answers | requests |`);
console.log(`|---|---|---|---|`);
console.log(`| N (live headlines) | ${kb(n.assets)} | ${kb(n.api)} | ${n.requests} |`);
console.log(`| TOP (headlines, moving now, map, volume chart) | ${kb(top.assets)} | ${kb(top.api)} | ${top.requests} |`);

// 2. Time to first headline (cold: a new context each time, no cache).
const times = [];
for (let i = 0; i < 15; i++) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.addInitScript(() => {
    new MutationObserver((_, obs) => {
      if (document.querySelector("#view .row")) { window.__firstRow = performance.now(); obs.disconnect(); }
    }).observe(document, { childList: true, subtree: true });
  });
  await page.goto(`${base}/#/N`);
  await page.waitForFunction(() => window.__firstRow !== undefined, null, { timeout: 30000 });
  times.push(await page.evaluate(() => window.__firstRow));
  await context.close();
}
console.log("\n## Time to first headline (navigation start → first row in the list), 15 cold loads");
console.log(`median ${pct(times, 50).toFixed(0)} ms, p90 ${pct(times, 90).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms`);

// 3. Rendering while headlines arrive at a steady rate.
const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: "dark" });
const page = await context.newPage();
await page.goto(`${base}/#/N`);
await page.locator("#view .row").first().waitFor();
await page.locator('body[data-conn="live"]').waitFor();
// Distinct stories: near-copies would fold into one row and never fill the list.
const next = bulkStories(corpus.join(" "), { source: "Bench", prefix: "Bench" });
let serial = 0;
function batch(k) {
  const lines = [];
  for (let i = 0; i < k; i++) {
    serial++;
    lines.push(JSON.stringify(next({ priority: serial % 25 === 0 ? "flash" : serial % 5 === 0 ? "urgent" : "normal" })));
  }
  return lines.join("\n");
}
async function load(rate, seconds) {
  await page.evaluate(() => {
    window.__frames = [];
    let last = performance.now();
    window.__rafOn = true;
    const tick = (t) => { window.__frames.push(t - last); last = t; if (window.__rafOn) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  const before = await page.evaluate(() => window.NT.activeList.rows.length);
  const tickMs = 100;
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
  const t0 = Date.now();
  let sent = 0;
  for (let k = 0; k < (seconds * 1000) / tickMs; k++) {
    await post("/api/import?tag=false", batch(perTick), "application/x-ndjson");
    sent += perTick;
    const wait = t0 + (k + 1) * tickMs - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  const elapsed = (Date.now() - t0) / 1000;
  await page.waitForFunction((want) => window.NT.activeList.rows.length >= want, Math.min(10000, before + sent), { timeout: 60000 });
  const frames = await page.evaluate(() => { window.__rafOn = false; return window.__frames.slice(5); });
  const janky = frames.filter((f) => f > 25).length;
  return { rate: sent / elapsed, frames, janky, rows: await page.evaluate(() => window.NT.activeList.rows.length) };
}
console.log("\n## Rendering while headlines arrive (N monitor, 1280×800; rAF frame times)");
console.log("| headlines/s (achieved) | frames | frame p50 | p95 | p99 | max | frames over 25 ms | rows in the list |");
console.log("|---|---|---|---|---|---|---|---|");
for (const rate of [10, 100, 300, 1000]) {
  const r = await load(rate, 10);
  console.log(`| ${rate} (${r.rate.toFixed(0)}) | ${r.frames.length} | ${pct(r.frames, 50).toFixed(1)} ms | ${pct(r.frames, 95).toFixed(1)} ms | ${pct(r.frames, 99).toFixed(1)} ms | ${Math.max(...r.frames).toFixed(1)} ms | ${r.janky} (${((100 * r.janky) / r.frames.length).toFixed(1)} %) | ${r.rows.toLocaleString("en")} |`);
}

// 4. Fill to 10,000 rows, then scroll through them.
while ((await page.evaluate(() => window.NT.activeList.rows.length)) < 10000) {
  await post("/api/import?tag=false", batch(500), "application/x-ndjson");
}
await page.waitForFunction(() => window.NT.activeList.rows.length >= 10000, null, { timeout: 60000 });
const scroll = await page.evaluate(async () => {
  const list = window.NT.activeList;
  const frames = [];
  let last = performance.now();
  for (let i = 0; i < 300; i++) {
    list.box.scrollTop = (i / 300) * list.box.scrollHeight;
    await new Promise((r) => requestAnimationFrame(r));
    const t = performance.now();
    frames.push(t - last);
    last = t;
  }
  return { frames, rows: list.rows.length, nodes: document.querySelectorAll("#view .row").length };
});
console.log("\n## A monitor holding 10,000 rows: scrolling through it in 300 frames");
console.log(`${scroll.rows.toLocaleString("en")} rows, ${scroll.nodes} row elements in the page; frame p50 ${pct(scroll.frames, 50).toFixed(1)} ms, p95 ${pct(scroll.frames, 95).toFixed(1)} ms, max ${Math.max(...scroll.frames).toFixed(1)} ms`);

await browser.close();
cleanup();
process.exit(0);
