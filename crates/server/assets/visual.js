// newsterm web terminal: what is better seen than read. The world map of
// the places in the news (d3-geo + Natural Earth outlines from
// world-atlas), volume over time (uPlot), and TOP's "moving now" strip.
// The libraries load on first use, so the first headline never waits.
"use strict";
(() => {
  const NT = window.NT;
  const el = NT.el;

  const libs = {
    map: () => NT.loadScript("vendor/d3-array.min.js")
      .then(() => Promise.all([NT.loadScript("vendor/d3-geo.min.js"), NT.loadScript("vendor/topojson-client.min.js")])),
    chart: () => { NT.loadStyle("vendor/uPlot.min.css"); return NT.loadScript("vendor/uPlot.iife.min.js"); },
  };
  let world = null;
  const worldShape = () => (world ||= fetch(NT.asset("vendor/countries-110m.json")).then((r) => r.json()));

  const W = 960, H = 500;
  const RADIUS = (count) => 2.5 + Math.sqrt(count) * 1.6;

  /**
   * A map of the places in the stories `opts.q` finds (the newest 500),
   * markers sized by story count, coloured by the highest priority,
   * clustered when they would overlap; each one a link to its GEO page.
   * Returns {pulse(headline)} to make a new story's places pulse and count.
   */
  /** Most stories kept to pulse once the map has loaded. */
  const PULSES_AT_ONCE = 6;
  function map(ctx, parent, opts) {
    const fig = el("figure", { class: "map", role: "group", "aria-label": `Map of the places in ${opts.label}` });
    const caption = el("figcaption", { class: "caption" }, "loading the map…");
    const title = el("h2", {}, `MAP · ${opts.label}`);
    parent.append(title, fig);
    let svg = null, projection = null, markers = null, pulses = null;
    let pending = [];
    // The server's count, asked again at most once a minute while
    // stories land.
    const recount = NT.refreshAfter(60000, () => load().catch(() => {}));

    const draw = (places) => {
      markers.replaceChildren();
      // Greedy clustering in screen space: biggest first, a smaller place
      // within reach of a drawn marker joins it.
      const clusters = [];
      for (const p of places) {
        const xy = projection([p.lon, p.lat]);
        if (!xy || isNaN(xy[0])) continue;
        const hit = clusters.find((c) => Math.hypot(c.x - xy[0], c.y - xy[1]) < Math.max(8, RADIUS(c.count) * 0.9));
        if (hit) {
          hit.places.push(p);
          hit.count += p.count;
          if (rank(p.priority) < rank(hit.priority)) hit.priority = p.priority;
        } else {
          clusters.push({ x: xy[0], y: xy[1], count: p.count, priority: p.priority, places: [p] });
        }
      }
      for (const c of clusters.reverse()) {
        const main = c.places[0];
        const label = c.places.length === 1
          ? `${main.name}${main.country ? ` (${main.country})` : ""}: ${main.count} ${main.count === 1 ? "story" : "stories"}`
          : `${main.name} and ${c.places.length - 1} more nearby (${c.places.slice(1, 6).map((p) => p.name).join(", ")}): ${c.count} stories`;
        const a = el("svg:a", { href: NT.hashOf("GEO", main.name), "aria-label": label, "data-place": main.name, class: "marker" });
        a.append(el("svg:title", {}, label));
        a.append(el("svg:circle", { class: `mk ${c.priority}`, cx: c.x.toFixed(1), cy: c.y.toFixed(1), r: RADIUS(c.count).toFixed(1) }));
        if (c.places.length > 1) a.append(el("svg:text", { class: "n", x: c.x.toFixed(1), y: (c.y + 3).toFixed(1), "text-anchor": "middle" }, String(c.count)));
        markers.append(a);
      }
    };
    const rank = (p) => ({ flash: 0, urgent: 1, normal: 2 })[p] ?? 2;

    // What the map shows: the places of the newest stories as the server
    // counted them, each new story's places added as it lands.
    let shown = { stories: 0, places: [] };
    const show = () => {
      draw(shown.places);
      const stories = shown.stories === 1 ? "the one story" : `the newest ${NT.plural(shown.stories, "story", "stories")}`;
      caption.textContent = shown.places.length
        ? `${NT.plural(shown.places.length, "place", "places")} in ${stories}; marker size: stories, colour: red flash, amber urgent, blue normal`
        : `no tagged places in ${stories}`;
      fig.dataset.places = String(shown.places.length);
    };
    const load = async () => {
      const r = await NT.api(`/api/places?${NT.qs({ q: opts.q, limit: 500 })}`);
      if (!ctx.alive() || !markers) return;
      shown = { stories: r.stories, places: r.places };
      show();
    };

    (async () => {
      try {
        await libs.map();
        const topo = await worldShape();
        if (!ctx.alive()) return;
        projection = d3.geoNaturalEarth1().fitExtent([[4, 4], [W - 4, H - 4]], { type: "Sphere" });
        const path = d3.geoPath(projection);
        const land = topojson.feature(topo, topo.objects.countries);
        svg = el("svg:svg", { viewBox: `0 0 ${W} ${H}`, role: "presentation" });
        svg.append(el("svg:path", { class: "sphere", d: path({ type: "Sphere" }), "aria-hidden": "true" }));
        svg.append(el("svg:path", { class: "land", d: path(land), "aria-hidden": "true" }));
        markers = el("svg:g", { class: "markers" });
        pulses = el("svg:g", { class: "pulses", "aria-hidden": "true" });
        svg.append(markers, pulses);
        fig.append(svg, caption);
        await load();
        for (const h of pending.splice(0)) pulse(h);
      } catch (e) {
        caption.textContent = `map unavailable: ${e.message}`;
        fig.append(caption);
      }
    })();

    /**
     * A new story: its places (which its wire event carries) pulse once
     * and count on the map at once, with no request; the server's count
     * is asked again now and then, for what the wire does not say
     * (withdrawals, stories leaving the newest 500).
     */
    const pulse = (h) => {
      if (!projection) { if (pending.length < PULSES_AT_ONCE) pending.push(h); return; }
      const places = h.places || [];
      for (const p of places) {
        const xy = projection([p.lon, p.lat]);
        if (!xy) continue;
        const ring = el("svg:circle", { class: "pulse", cx: xy[0].toFixed(1), cy: xy[1].toFixed(1), r: 8, "data-place": p.name });
        pulses.append(ring);
        setTimeout(() => ring.remove(), 2000);
      }
      // A revision's places were counted with its story's first one.
      if (h.revision === 1) {
        shown.stories += 1;
        for (const p of places) {
          const known = shown.places.find((q) => q.name === p.name);
          if (known) {
            known.count += 1;
            if (rank(h.priority) < rank(known.priority)) known.priority = h.priority;
          } else {
            shown.places.push({ name: p.name, country: p.country, lat: p.lat, lon: p.lon, count: 1, priority: h.priority });
          }
        }
        shown.places.sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        if (places.length) show();
      }
      recount.poke();
    };
    ctx.cleanup.push(recount.cancel);
    return { pulse };
  }

  /**
   * Stories per hour (last 48 h) or per day (last `opts.days`, 30 by
   * default) for a query, as a chart with its numbers in a table for
   * screen readers.
   */
  function volume(ctx, parent, opts) {
    const bucket = opts.bucket || "hour";
    const fig = el("figure", { class: "volume", role: "group", "aria-label": `Stories per ${bucket} for ${opts.label}` });
    const plot = el("div", { class: "plot", "aria-hidden": "true" });
    const caption = el("figcaption", { class: "caption" }, "loading volume…");
    const table = el("table", { class: "sr-only" });
    parent.append(el("h2", {}, `VOLUME · ${opts.label} · per ${bucket}`), fig);
    fig.append(plot, caption, table);
    (async () => {
      try {
        const now = new Date();
        const from = bucket === "day" ? new Date(now - (opts.days || 30) * 86400e3) : new Date(now - 48 * 3600e3);
        const [, v] = await Promise.all([libs.chart(), NT.api(`/api/volume?${NT.qs({ q: opts.q, bucket, from: from.toISOString(), to: now.toISOString() })}`)]);
        if (!ctx.alive()) return;
        const xs = v.points.map((p) => Date.parse(p.t) / 1000);
        const ys = v.points.map((p) => p.count);
        const total = ys.reduce((a, b) => a + b, 0);
        const peak = v.points.reduce((a, p) => (p.count > (a ? a.count : -1) ? p : a), null);
        const span = bucket === "day" ? `the last ${opts.days || 30} days` : "the last 48 hours";
        const at = (t) => (bucket === "hour" ? `${NT.when(t)} UTC` : /^\d\d:/.test(NT.when(t)) ? "today" : NT.when(t).replace(/ 00:00$/, ""));
        caption.textContent = `${NT.plural(total, "story", "stories")} in ${span}${peak && peak.count ? `; peak ${peak.count} per ${bucket}, ${at(peak.t)}` : ""}`;
        table.append(el("caption", {}, `Stories per ${bucket} for ${opts.label}`), el("tr", {}, el("th", {}, bucket === "day" ? "day (UTC)" : "hour (UTC)"), el("th", {}, "stories")));
        for (const p of v.points) if (p.count) table.append(el("tr", { "data-t": p.t, "data-count": p.count }, el("td", {}, p.t), el("td", {}, p.count)));
        fig.dataset.points = String(v.points.length);
        fig.dataset.last = v.points.length ? v.points[v.points.length - 1].t : "";
        fig.dataset.lastCount = v.points.length ? String(v.points[v.points.length - 1].count) : "0";
        const css = getComputedStyle(document.documentElement);
        const voice = css.getPropertyValue("--voice").trim() || "#ffb000";
        const dim = css.getPropertyValue("--dim").trim() || "#999";
        const width = Math.max(200, (fig.clientWidth || 400) - 4);
        // The axis speaks UTC, 24-hour, like every time on the page.
        const tick = (ts) => {
          const d = new Date(ts * 1000);
          const day = `${d.getUTCDate()} ${NT.MON[d.getUTCMonth()]}`;
          return bucket === "day" || (d.getUTCHours() === 0 && d.getUTCMinutes() === 0) ? day : `${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")}`;
        };
        const chart = new uPlot({
          width, height: 120, legend: { show: false }, cursor: { y: false },
          tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
          scales: { x: { time: true } },
          axes: [{ stroke: dim, grid: { stroke: "rgba(128,128,128,0.15)" }, font: "10px monospace", values: (u, splits) => splits.map(tick) },
            { stroke: dim, grid: { stroke: "rgba(128,128,128,0.15)" }, font: "10px monospace", size: 36 }],
          series: [{}, { stroke: voice, fill: "rgba(255,176,0,0.25)", width: 1, paths: uPlot.paths.bars({ size: [0.9, 40] }), points: { show: false } }],
        }, [xs, ys], plot);
        const ro = new ResizeObserver(() => chart.setSize({ width: Math.max(200, (fig.clientWidth || 400) - 4), height: 120 }));
        ro.observe(fig);
        ctx.cleanup.push(() => { ro.disconnect(); chart.destroy(); });
      } catch (e) {
        caption.textContent = `volume unavailable: ${e.message}`;
      }
    })();
  }

  /** TOP's strip: what rises fastest against its own baseline. */
  function moving(ctx, parent) {
    const strip = el("nav", { class: "moving", "aria-label": "Moving now" }, el("span", { class: "label" }, "MOVING NOW"));
    parent.append(strip);
    const load = async () => {
      const m = await NT.api("/api/moving?window=1h&baseline=24h&limit=20");
      if (!ctx.alive()) return;
      strip.replaceChildren(el("span", { class: "label" }, "MOVING NOW"));
      if (!m.entities.length) strip.append(el("span", { class: "dim" }, "nothing rising in the last hour"));
      // A topic's IPTC code and newsterm's mnemonic often share a label: show it once.
      const shown = new Set();
      for (const e of m.entities) {
        const text = e.type === "topic" && e.detail ? e.detail : e.name;
        if (shown.has(text.toLowerCase()) || shown.size >= 8) continue;
        shown.add(text.toLowerCase());
        strip.append(el("a", { href: NT.linkOf(e.type, e.name), title: `${e.recent} stories in the last hour, ${e.expected.toFixed(1)} expected from the day before` },
          text, " ", el("span", { class: "up" }, `▲${e.recent}`)));
      }
    };
    const reload = NT.refreshAfter(3000, () => load().catch(() => {}));
    ctx.cleanup.push(NT.onStory(reload.poke));
    ctx.cleanup.push(reload.cancel);
    load().catch((e) => strip.append(el("span", { class: "dim" }, e.message)));
  }

  NT.visual = { map, volume, moving };
})();
