// Reports (/admin/reports): a date range's figures from GET /api/v1/stats, drawn with the
// vendored Chart.js (window.Chart), and links to the CSV / XLSX exports of the same range.

import { api, ApiError } from "/static/api.js";
import { adminI18n, makeFormat, startShell } from "./admin-shell.js";
import { addDays, attachPicker, monday, parseDay, showDay } from "./datepicker.js";
import { REP } from "./reports-i18n.js";
import { RATINGS, setupRatings } from "./reports-ratings.js";

const i18n = adminI18n(REP, RATINGS);
const timeZone = document.body.dataset.timezone || "Asia/Ho_Chi_Minh";
const fmt = makeFormat(i18n, timeZone);
const $ = (id) => document.getElementById(id);
const charts = {};
let report = null;
let serverToday = null;

const shell = startShell(i18n, {
  role: "supervisor", onReady: start, onLang: () => { if (report) render(report); ratings.render(); },
});

function today() {
  if (serverToday) return serverToday;
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
}

function preset(name) {
  const t = today();
  const firstOfMonth = `${t.slice(0, 8)}01`;
  switch (name) {
    case "today": return [t, t];
    case "yesterday": return [addDays(t, -1), addDays(t, -1)];
    case "this_week": return [monday(t), t];
    case "last_week": return [addDays(monday(t), -7), addDays(monday(t), -1)];
    case "this_month": return [firstOfMonth, t];
    case "last_month": {
      const end = addDays(firstOfMonth, -1);
      return [`${end.slice(0, 8)}01`, end];
    }
    case "last_365": return [addDays(t, -364), t];
    default: return [t, t];
  }
}

function start() {
  const params = new URLSearchParams(location.hash.slice(1));
  // Without a range in the address: today's business day, as the server counts it.
  if (params.get("from") && params.get("to")) {
    $("rep-from").value = showDay(params.get("from"));
    $("rep-to").value = showDay(params.get("to"));
  }
  for (const id of ["rep-from", "rep-to"]) {
    attachPicker($(id), document.querySelector(`[data-calendar="${id}"]`), { i18n, today });
  }
  for (const b of document.querySelectorAll("[data-preset]")) {
    b.addEventListener("click", () => {
      const [f, t] = preset(b.dataset.preset);
      $("rep-from").value = showDay(f);
      $("rep-to").value = showDay(t);
      load();
    });
  }
  $("rep-form").addEventListener("submit", (e) => { e.preventDefault(); load(); });
  pickSite(params.get("site") || "");
  for (const id of ["rep-csv", "rep-xlsx", "rep-summary", "rep-monthly"]) {  // exports come in the page's language
    $(id).addEventListener("click", () => {
      if (!$(id).hasAttribute("href")) return;
      const url = new URL($(id).href);
      url.searchParams.set("lang", i18n.lang);
      $(id).href = url;
    });
  }
  load();
}

// On a province server (its stats carry `sites`): a center picker, every center or one, filled
// from GET /sites once. A hall's stats have no `sites`, so a hall never asks for them.
let sitesAsked = false;

function pickSite(chosen) {
  const select = $("rep-site");
  if (chosen) select.append(el("option", { value: chosen }, chosen));
  select.value = chosen;
  select.addEventListener("change", () => load());
}

async function fillSites() {
  if (sitesAsked) return;
  sitesAsked = true;
  const select = $("rep-site");
  $("rep-site-box").hidden = false;
  try {
    for (const s of await api("sites", { lang: i18n.lang })) {
      if (s.name !== select.value) select.append(el("option", { value: s.name }, s.name));
    }
  } catch (err) {
    sitesAsked = false;  // asked again with the next report
  }
}

function range() {
  const from = parseDay($("rep-from").value);
  const to = parseDay($("rep-to").value);
  $("rep-from").setAttribute("aria-invalid", String(!from));
  $("rep-to").setAttribute("aria-invalid", String(!to));
  if (!from || !to) return { error: "rep.bad_date" };
  if (to < from) return { error: "rep.bad_range" };
  return { from, to };
}

let loads = 0;  // the latest load() wins: an earlier one still on its way is dropped when it lands

async function load() {
  const mine = ++loads;
  const typed = [$("rep-from").value, $("rep-to").value];
  const r = typed[0] || typed[1] ? range() : { from: "", to: "" };
  $("rep-error").hidden = true;
  if (r.error) {
    $("rep-error").textContent = i18n.t(r.error);
    $("rep-error").hidden = false;
    $("rep-body").classList.remove("a-loading");  // a load still on its way is dropped
    return;
  }
  $("rep-body").classList.add("a-loading");
  try {
    const site = $("rep-site").value;
    const only = site ? `site=${encodeURIComponent(site)}` : "";
    const path = r.from ? `stats?from=${r.from}&to=${r.to}${only ? `&${only}` : ""}` : `stats${only ? `?${only}` : ""}`;
    const answer = await api(path, { lang: i18n.lang, timeoutMs: 60000 });
    if (mine !== loads) return;  // the user asked for another range (or a wrong date) meanwhile
    report = answer;
    serverToday = report.today;
    // The range as the server read it, unless someone is typing another one meanwhile.
    if ($("rep-from").value === typed[0] && $("rep-to").value === typed[1]) {
      $("rep-from").value = showDay(report.from);
      $("rep-to").value = showDay(report.to);
    }
    const q = `from=${report.from}&to=${report.to}${only ? `&${only}` : ""}`;
    history.replaceState(null, "", `#${q}`);
    $("rep-csv").href = `/api/v1/reports/tickets.csv?${q}`;
    // One row per ticket in Excel: a quarter at most (Excel's sheets end at ~1 million rows).
    const tooLong = report.days > 92;
    if (tooLong) $("rep-xlsx").removeAttribute("href");
    else $("rep-xlsx").href = `/api/v1/reports/tickets.xlsx?${q}`;
    $("rep-xlsx").setAttribute("aria-disabled", String(tooLong));
    $("rep-xlsx").title = tooLong ? i18n.t("rep.xlsx_too_long") : "";
    $("rep-summary").href = `/api/v1/reports/summary.xlsx?${q}`;
    // A province: the month of the range's end, one row per center (the table sent upward).
    $("rep-monthly").hidden = !report.sites;
    $("rep-monthly").href = `/api/v1/reports/sites-monthly.xlsx?month=${report.to.slice(0, 7)}`;
    render(report);
    if (report.sites) fillSites();
    await ratings.load(report.from, report.to);
    if (mine !== loads) return;
    document.body.dataset.loaded = `${report.from}..${report.to}`;
  } catch (err) {
    if (mine !== loads) return;
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) return shell.loginAgain();
    $("rep-error").textContent = err instanceof ApiError ? i18n.error(err) : i18n.error("network");
    $("rep-error").hidden = false;
  } finally {
    if (mine === loads) $("rep-body").classList.remove("a-loading");
  }
}

// -- Rendering -------------------------------------------------------------------------------

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null) continue;
    if (k === "class") node.className = v;
    else if (k === "dataset") Object.assign(node.dataset, v);
    else node.setAttribute(k, v);
  }
  for (const child of children.flat()) if (child != null) node.append(child);
  return node;
}

function render(r) {
  $("rep-range-text").textContent = i18n.t(r.days === 1 ? "rep.range_one" : "rep.range",
    { from: showDay(r.from), to: showDay(r.to), days: r.days });
  renderKpis(r.total);
  renderAppointments(r.appointments);
  renderCharts(r);
  $("rep-sites-box").hidden = !r.sites;  // a province's report: each center's figures
  if (r.sites) renderTable("rep-sites", "sites", Object.entries(r.sites).map(([name, f]) => [name, name, f]), r.total);
  renderTable("rep-services", "services", Object.values(r.services).map((f) => [f.code, i18n.name(f.name), f]), r.total);
  renderTable("rep-counters", "counters", Object.values(r.counters).map((f) => [String(f.number), i18n.name(f.name), f]), r.total);
  // People by full name; the username beside it (as a service's code is), for those who have one.
  renderTable("rep-staff", "staff", Object.values(r.staff).map((f) => [f.username, f.full_name || f.username, f]), null);
}

function serviceName(code) {
  const svc = report && report.services[code];
  return svc ? i18n.name(svc.name) : code;
}

const ratings = setupRatings({ i18n, fmt, el, serviceName, showDay });

function kpi(id, label, value, sub) {
  return el("div", { class: "a-kpi", id }, el("span", { class: "a-kpi__label" }, label),
    el("span", { class: "a-kpi__value" }, value), sub ? el("span", { class: "a-kpi__sub" }, sub) : null);
}

function renderKpis(t) {
  const share = (n) => i18n.t("kpi.share", { share: fmt.percent(t.tickets ? n / t.tickets : null, 1) });
  $("rep-kpis").replaceChildren(
    kpi("kpi-tickets", i18n.t("kpi.tickets"), fmt.number(t.tickets)),
    kpi("kpi-served", i18n.t("kpi.served"), fmt.number(t.served), share(t.served)),
    kpi("kpi-no-shows", i18n.t("kpi.no_shows"), fmt.number(t.no_shows), i18n.t("kpi.expired", { n: fmt.number(t.expired) })),
    kpi("kpi-transfers", i18n.t("kpi.transfers"), fmt.number(t.transferred), share(t.transferred)),
    kpi("kpi-wait", i18n.t("kpi.wait"), fmt.duration(t.wait_s.mean),
      i18n.t("kpi.quantiles", { mean: fmt.mmss(t.wait_s.mean), median: fmt.mmss(t.wait_s.median), p90: fmt.mmss(t.wait_s.p90) })),
    kpi("kpi-service", i18n.t("kpi.service"), fmt.duration(t.service_s.mean),
      i18n.t("kpi.quantiles", { mean: fmt.mmss(t.service_s.mean), median: fmt.mmss(t.service_s.median), p90: fmt.mmss(t.service_s.p90) })),
    kpi("kpi-within", i18n.t("kpi.within"), fmt.percent(t.within_target.share, 1),
      i18n.t("kpi.within_sub", { count: fmt.number(t.within_target.count), of: fmt.number(t.within_target.of) })),
    kpi("kpi-rating", i18n.t("kpi.rating"), t.rating.mean == null ? i18n.t("none") : fmt.number(t.rating.mean, 2),
      i18n.t("kpi.rating_sub", { n: fmt.number(t.rating.count), share: fmt.percent(t.rating.satisfied_share) })),
  );
}

// A hall's bookings against its walk-ins (GET /stats `appointments`); nothing on a province, or
// where the range had no booking (a hall that takes none is not shown an empty box).
function renderAppointments(a) {
  const shown = !!a && (a.booked > 0 || a.tickets_appointment > 0);
  $("rep-appts").hidden = !shown;
  if (!shown) return $("rep-appts-figures").replaceChildren();
  const tickets = a.tickets_appointment + a.tickets_walk_in;
  const early = a.avg_early_s == null ? null
    : i18n.t(a.avg_early_s >= 0 ? "appt.early_sub" : "appt.after_sub", { d: fmt.duration(Math.abs(a.avg_early_s)) });
  $("rep-appts-figures").replaceChildren(
    kpi("appt-booked", i18n.t("appt.booked"), fmt.number(a.booked), i18n.t("appt.cancelled", { n: fmt.number(a.cancelled) })),
    kpi("appt-checked-in", i18n.t("appt.checked_in"), fmt.number(a.checked_in),
      i18n.t("appt.checked_in_sub", { on_time: fmt.number(a.on_time), late: fmt.number(a.late) })),
    kpi("appt-served", i18n.t("appt.served"), fmt.number(a.served),
      i18n.t("appt.served_sub", { share: fmt.percent(a.checked_in ? a.served / a.checked_in : null, 1) })),
    kpi("appt-no-show", i18n.t("appt.no_show"), fmt.number(a.no_show), i18n.t("appt.no_show_sub", { rate: fmt.percent(a.no_show_rate, 1) })),
    kpi("appt-on-time", i18n.t("appt.on_time"), fmt.percent(a.on_time_rate, 1), early),
    kpi("appt-tickets", i18n.t("appt.tickets"), fmt.number(a.tickets_appointment),
      i18n.t("appt.tickets_sub", { share: fmt.percent(tickets ? a.tickets_appointment / tickets : null, 1), walk_in: fmt.number(a.tickets_walk_in) })),
  );
}

function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

function chart(id, config) {
  if (charts[id]) charts[id].destroy();
  charts[id] = new window.Chart($(id), config);
}

function renderCharts(r) {
  const Chart = window.Chart;
  Chart.defaults.font.family = cssVar("--hq-font") || "sans-serif";
  Chart.defaults.font.size = 13;
  Chart.defaults.color = cssVar("--hq-ink-muted");
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  const primary = cssVar("--hq-primary");
  const ok = "#2f8f4e";
  const warn = "#d99a00";
  const danger = "#c0392b";
  const muted = "#9aa7b8";
  const int = (v) => fmt.number(v);
  const counts = { beginAtZero: true, ticks: { callback: int, precision: 0 } };  // whole tickets only

  // Tickets by day, with the mean wait on its own axis.
  const days = r.by_day;
  chart("chart-days", {
    data: {
      labels: days.map((d) => showDay(d.day).slice(0, days.length > 62 ? 10 : 5)),
      datasets: [
        { type: "bar", label: i18n.t("series.served"), data: days.map((d) => d.served), backgroundColor: primary, stack: "t" },
        { type: "bar", label: i18n.t("series.other"), data: days.map((d) => d.tickets - d.served), backgroundColor: muted, stack: "t" },
        { type: "line", label: i18n.t("series.wait_mean"), data: days.map((d) => d.wait_mean_s == null ? null : d.wait_mean_s / 60),
          borderColor: warn, backgroundColor: warn, yAxisID: "y2", pointRadius: days.length > 62 ? 0 : 3, spanGaps: true },
      ],
    },
    options: { interaction: { mode: "index", intersect: false },
      scales: { x: { stacked: true, ticks: { maxRotation: 0, autoSkip: true } }, y: { ...counts, stacked: true },
        y2: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: i18n.t("series.minutes") } } } },
  });

  // Hours of day, trimmed to the hours that had tickets.
  const hours = r.by_hour;
  let lo = hours.findIndex((h) => h.tickets > 0);
  let hi = 23 - [...hours].reverse().findIndex((h) => h.tickets > 0);
  if (lo < 0) { lo = 7; hi = 17; }
  const shown = hours.slice(lo, hi + 1);
  chart("chart-hours", {
    type: "bar",
    data: { labels: shown.map((h) => `${String(h.hour).padStart(2, "0")}h`),
      datasets: [{ label: i18n.t("series.tickets"), data: shown.map((h) => h.tickets), backgroundColor: primary }] },
    options: { plugins: { legend: { display: false } }, scales: { y: counts } },
  });

  // Outcomes by service.
  const services = Object.values(r.services);
  const names = services.map((s) => i18n.name(s.name));
  chart("chart-services", {
    type: "bar",
    data: { labels: names, datasets: [
      { label: i18n.t("series.served"), data: services.map((s) => s.served), backgroundColor: primary },
      { label: i18n.t("series.no_shows"), data: services.map((s) => s.no_shows), backgroundColor: danger },
      { label: i18n.t("series.other"), data: services.map((s) => s.tickets - s.served - s.no_shows), backgroundColor: muted },
    ] },
    options: { indexAxis: "y", scales: { x: { ...counts, stacked: true }, y: { stacked: true } } },
  });

  // Distribution of waits and services, in minutes.
  const edges = r.distribution_edges_s.map((s) => s / 60);
  const bins = edges.map((e, i) => (i + 1 < edges.length ? `${e}–${edges[i + 1]}` : `${e}+`));
  chart("chart-distribution", {
    type: "bar",
    data: { labels: bins, datasets: [
      { label: i18n.t("series.wait"), data: r.total.distribution.wait, backgroundColor: warn },
      { label: i18n.t("series.service"), data: r.total.distribution.service, backgroundColor: primary },
    ] },
    options: { scales: { x: { title: { display: true, text: i18n.t("series.minutes") } }, y: counts } },
  });

  // Share within target, per service.
  chart("chart-within", {
    type: "bar",
    data: { labels: names, datasets: [{ label: i18n.t("series.within"),
      data: services.map((s) => (s.within_target.share == null ? null : s.within_target.share * 100)),
      backgroundColor: services.map((s) => (s.within_target.share == null ? muted : s.within_target.share >= 0.8 ? ok : s.within_target.share >= 0.6 ? warn : danger)) }] },
    options: { indexAxis: "y", plugins: { legend: { display: false },
      tooltip: { callbacks: { label: (c) => `${fmt.number(c.raw, 1)} %` } } },
      scales: { x: { min: 0, max: 100, ticks: { callback: (v) => `${v} %` } } } },
  });

  // Satisfaction: the share of each score, per service.
  const scoreColors = [danger, warn, "#7fbf7f", ok];
  chart("chart-satisfaction", {
    type: "bar",
    data: { labels: services.map((s) => `${i18n.name(s.name)}${s.rating.mean == null ? "" : ` (${fmt.number(s.rating.mean, 2)})`}`),
      datasets: [1, 2, 3, 4].map((k) => ({ label: i18n.t(`score.${k}`), backgroundColor: scoreColors[k - 1],
        data: services.map((s) => (s.rating.count ? (s.rating.by_score[k] / s.rating.count) * 100 : null)) })) },
    options: { indexAxis: "y", scales: { x: { stacked: true, min: 0, max: 100, ticks: { callback: (v) => `${v} %` } }, y: { stacked: true } },
      plugins: { tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${fmt.number(c.raw, 1)} %` } } } },
  });
}

/** "mean / median / p90", breakable only after a slash (no-break spaces before them). */
function triple(times) {
  return [times.mean, times.median, times.p90].map((v) => fmt.mmss(v)).join("\u00a0/ ");
}

function renderTable(id, kind, rows, total) {
  const table = $(id);
  const head = el("tr", {},
    el("th", {}, i18n.t(`th.name.${kind}`)),
    ...["tickets", "served", "no_shows", "transfers"].map((k) => el("th", { class: "num" }, i18n.t(`th.${k}`))),
    el("th", { class: "num" }, i18n.t("th.wait")), el("th", { class: "num" }, i18n.t("th.service")),
    el("th", { class: "num" }, i18n.t("th.within")), el("th", { class: "num" }, i18n.t("th.ratings")),
    el("th", { class: "num" }, i18n.t("th.rating_mean")), el("th", { class: "num" }, i18n.t("th.satisfied")));
  const line = (key, name, f, code) => el("tr", { dataset: { key } },
    el("td", {}, code ? el("span", { class: "a-code" }, code) : null, name),
    el("td", { class: "num", dataset: { field: "tickets" } }, fmt.number(f.tickets)),
    el("td", { class: "num", dataset: { field: "served" } }, fmt.number(f.served)),
    el("td", { class: "num" }, fmt.number(f.no_shows)),
    el("td", { class: "num" }, fmt.number(f.transferred)),
    el("td", { class: "num a-wrap" }, triple(f.wait_s)),
    el("td", { class: "num a-wrap" }, triple(f.service_s)),
    el("td", { class: "num" }, fmt.percent(f.within_target.share, 1)),
    el("td", { class: "num" }, fmt.number(f.rating.count)),
    el("td", { class: "num" }, f.rating.mean == null ? i18n.t("none") : fmt.number(f.rating.mean, 2)),
    el("td", { class: "num" }, fmt.percent(f.rating.satisfied_share)));
  const body = rows.length
    ? rows.map(([key, name, f]) => line(key, name, f, kind === "services" || (kind === "staff" && name !== key) ? key : null))
    : [el("tr", {}, el("td", { colspan: "12", class: "hq-muted" }, i18n.t("table.empty")))];
  const parts = [el("thead", {}, head), el("tbody", {}, body)];
  if (total && rows.length) parts.push(el("tfoot", {}, line("total", i18n.t("table.total"), total)));
  table.replaceChildren(...parts);
}
