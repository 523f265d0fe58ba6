// The province's centers live (/admin/sites, on a server with `province: true`): each center online or when
// last seen, its figures of now and of today, alerts, rankings against the province's targets, and one
// center's detail (its dashboard's figures per service and counter) opened from the table (#NAME in the URL).
//
// It polls GET /api/v1/sites every 5 s (and GET /sites/NAME while a detail is open): the centers push their
// figures every 5 s and the province emits no Socket.IO event of its own, so a poll sees each push within
// one more period; the clock-driven parts (offline after 5 minutes, "3 giờ trước") need a timer anyway,
// and a poll of ≤ 70 small rows costs the province less than a live room per page would.

import { ApiError } from "/static/api.js";
import { adminI18n, banner, el, errorWords, makeFormat, pageCalls, startShell } from "./admin-shell.js";
import { SITES } from "./sites-i18n.js";


const i18n = adminI18n(SITES);
const fmt = makeFormat(i18n, document.body.dataset.timezone || "Asia/Ho_Chi_Minh");
const $ = (id) => document.getElementById(id);
const POLL_MS = 5000;
let sites = null;  // GET /sites
let detail = null;  // GET /sites/NAME of the open detail
let polledAt = null;
let inFlight = false;
let linkUp = null;  // the last poll answered (the bar's dot), said again in the other language
let again = false;  // asked for while a poll was under way: poll once more when it ends
let scrollPending = false;  // a detail opened from a link: bring it into view once it is shown

const shell = startShell(i18n, {
  role: "supervisor", onReady: start, onLang: () => { if (linkUp !== null) shell.setLive(linkUp); render(); },
});
const say = banner($("sites-error"));
const call = pageCalls(i18n, () => {}, () => shell.loginAgain());

function start() {
  window.addEventListener("hashchange", () => { detail = null; scrollPending = true; refresh(); });
  $("site-detail-close").addEventListener("click", () => {
    history.replaceState(null, "", location.pathname);
    detail = null;
    render();
  });
  // Not while the tab is hidden, nor while the login form is back (a poll would take the typing focus away).
  const due = () => !document.hidden && shell.me;
  document.addEventListener("visibilitychange", () => { if (due()) refresh(); });
  refresh();
  setInterval(() => { if (due()) refresh(); }, POLL_MS);
}

/** The center whose detail is open: #Hạ%20Long in the URL. */
function chosen() {
  try { return decodeURIComponent(location.hash.slice(1)) || null; } catch { return null; }
}

async function refresh() {
  if (inFlight) { again = true; return; }
  inFlight = true;
  try {
    sites = await call("sites");
    $("sites-error").hidden = true;
    const name = chosen();
    detail = name ? await call(`sites/${encodeURIComponent(name)}`).catch((err) => {
      if (err instanceof ApiError && err.status === 404) { say(errorWords(i18n, err), "warn"); return null; }
      throw err;
    }) : null;
    polledAt = new Date();
    shell.setLive(linkUp = true);
    render();
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 401)) {
      shell.setLive(linkUp = false);
      say(i18n.t("sites.error"), "warn");
    }
  } finally {
    inFlight = false;
    if (again) { again = false; refresh(); }
  }
}

const chip = (kind, text, field) => el("span", { class: `a-chip a-chip--${kind}`, dataset: field ? { field } : {} }, text);

function ago(seconds) {
  if (seconds == null) return i18n.t("none");
  if (seconds < 60) return i18n.t("ago.now");
  if (seconds < 3600) return i18n.t("ago.minutes", { n: Math.floor(seconds / 60) });
  if (seconds < 86400) return i18n.t("ago.hours", { n: Math.floor(seconds / 3600) });
  return i18n.t("ago.days", { n: Math.floor(seconds / 86400) });
}

/** "14:05" today, "06/12 14:05" another day. */
function when(iso) {
  if (!iso) return i18n.t("none");
  const day = iso.slice(0, 10);
  return day === polledDay() ? fmt.time(iso) : `${fmt.day(day).slice(0, 5)} ${fmt.time(iso)}`;
}

/** The calendar day of the last poll, in the province's zone: "2026-12-07". */
function polledDay() {
  if (!polledAt) return null;
  return new Intl.DateTimeFormat("en-CA", { timeZone: document.body.dataset.timezone || "Asia/Ho_Chi_Minh" }).format(polledAt);
}

function state(site) {
  if (site.revoked) return "revoked";
  if (site.online) return "online";
  return site.last_seen ? "offline" : "never";
}

const STATE_CHIP = { online: "ok", offline: "danger", never: "warn", revoked: "off" };

/** The link's state and what goes with it: when last seen, revoked since, a clock that is off. */
function linkCell(site) {
  const s = state(site);
  const notes = [];
  if (s === "offline") notes.push(i18n.t("seen.ago", { ago: ago(site.seen_ago_s), when: when(site.last_seen) }));
  if (s === "revoked") notes.push(i18n.t("seen.revoked", { day: fmt.day(site.revoked_at && site.revoked_at.slice(0, 10)) }));
  const parts = [chip(STATE_CHIP[s], i18n.t(`state.${s}`), "state")];
  for (const note of notes) parts.push(el("span", { class: "a-note a-block", dataset: { field: "seen" } }, note));
  if (site.clock_skewed) {
    parts.push(el("span", { class: "a-note a-block a-skew", dataset: { field: "skew" } }, i18n.t(
      site.clock_skew_s > 0 ? "skew.ahead" : "skew.behind", { dur: fmt.duration(Math.abs(site.clock_skew_s)) })));
  }
  return parts;
}

/** Figures of now: the live push's while the center is online, the last ones (marked) otherwise. */
function now(site) {
  if (site.revoked) return { waiting: null, longest: null, counters: null, counters_open: null, stale: true };
  const live = site.live || {};
  return {
    waiting: live.waiting ?? site.today.waiting,
    longest: site.online ? live.longest_wait_s ?? null : null,
    counters: live.counters || null,
    counters_open: live.counters_open ?? null,
    stale: !site.online,
  };
}

function render() {
  if (!sites) return;
  i18n.apply(document);
  const first = sites[0];
  const targets = first ? first.targets : null;
  $("sites-day").textContent = first ? i18n.t("sites.day", { day: fmt.day(first.day) }) : "";
  $("sites-updated").textContent = polledAt ? fmt.time(polledAt.toISOString(), true) : "";
  $("sites-targets").textContent = targets ? i18n.t("sites.targets", {
    wait: fmt.duration(targets.wait_s), share: fmt.percent(targets.satisfaction) }) : "";
  renderAlerts();
  renderKpis();
  renderTable();
  renderRankings(targets);
  renderDetail();
}

function siteLink(name, extra = {}) {
  return el("a", { href: `#${encodeURIComponent(name)}`, class: "a-site-link", "aria-label": i18n.t("detail.open", { site: name }), ...extra }, name);
}

function renderAlerts() {
  const all = sites.flatMap((site) => site.alerts.map((a) => ({ ...a, site: site.name })));
  all.sort((a, b) => (a.level === "danger" ? 0 : 1) - (b.level === "danger" ? 0 : 1));
  $("sites-alerts").replaceChildren(...all.map((a) => el("p", {
    class: `hq-banner hq-banner--${a.level === "danger" ? "danger" : "warn"} a-alert`, role: "alert",
    dataset: { kind: a.kind, site: a.site },
  }, i18n.t(`alert.${a.kind}`, {
    site: a.site, ago: ago(a.seen_ago_s), when: when(a.last_seen), waiting: a.waiting,
    wait: fmt.duration(a.longest_wait_s ?? a.avg_wait_s), target: fmt.duration(a.target_wait_s),
  }), " ", siteLink(a.site, { class: "a-alert__link" }))));
  for (const link of $("sites-alerts").querySelectorAll("a")) link.textContent = i18n.t("alert.open");
}

function kpi(id, label, value, sub, level) {
  return el("div", { class: "a-kpi", id, dataset: level ? { level } : {} },
    el("span", { class: "a-kpi__label" }, label),
    el("span", { class: "a-kpi__value" }, value),
    sub ? el("span", { class: "a-kpi__sub" }, sub) : null);
}

function renderKpis() {
  const active = sites.filter((s) => !s.revoked);
  const online = active.filter((s) => s.online).length;
  const sum = (f) => active.reduce((n, s) => n + (f(s) || 0), 0);
  const rated = sum((s) => s.today.rated);
  const satisfied = sum((s) => (s.today.satisfaction == null ? 0 : Math.round(s.today.satisfaction * s.today.rated)));
  const alerts = sum((s) => s.alerts.length);
  const misses = active.filter((s) => s.misses.wait || s.misses.satisfaction).length;
  const target = active[0] ? active[0].targets.satisfaction : null;
  $("sites-kpis").replaceChildren(
    kpi("kpi-online", i18n.t("kpi.online"), fmt.number(online), i18n.t("kpi.online_sub", { n: fmt.number(active.length) }),
      online < active.length ? "over" : "ok"),
    kpi("kpi-waiting", i18n.t("kpi.waiting"), fmt.number(sum((s) => now(s).waiting))),
    kpi("kpi-issued", i18n.t("kpi.issued"), fmt.number(sum((s) => s.today.issued))),
    kpi("kpi-served", i18n.t("kpi.served"), fmt.number(sum((s) => s.today.served))),
    kpi("kpi-satisfaction", i18n.t("kpi.satisfaction"), rated ? fmt.percent(satisfied / rated) : i18n.t("none"),
      i18n.t("kpi.rated", { n: fmt.number(rated) }), rated && target != null ? (satisfied / rated < target ? "over" : "ok") : null),
    kpi("kpi-alerts", i18n.t("kpi.alerts"), fmt.number(alerts), null, alerts ? "over" : "ok"),
    kpi("kpi-misses", i18n.t("kpi.misses"), fmt.number(misses), null, misses ? "over" : "ok"),
  );
}

function renderTable() {
  $("sites-none").hidden = sites.length > 0;
  $("sites-table").hidden = sites.length === 0;
  const rows = sites.map((site) => {
    const n = now(site);
    const t = site.today;
    const stale = n.stale && site.live_at ? i18n.t("stale", { when: when(site.live_at) }) : null;
    const danger = site.alerts.some((a) => a.level === "danger");
    const counters = n.counters ? i18n.t("counters.short", { open: n.counters.open ?? n.counters_open, serving: n.counters.serving ?? 0 })
      : n.counters_open == null ? i18n.t("none") : fmt.number(n.counters_open);
    return el("tr", { dataset: { site: site.name, state: state(site), level: danger ? "over" : site.revoked ? "off" : null },
      "aria-current": chosen() === site.name ? "true" : null },
    el("td", {}, siteLink(site.name)),
    el("td", { class: "a-wrap" }, linkCell(site)),
    el("td", { class: `num${n.stale ? " a-stale" : ""}`, dataset: { field: "waiting" }, title: stale }, fmt.number(n.waiting)),
    el("td", { class: `num${n.longest > site.targets.wait_s ? " a-bad" : ""}`, dataset: { field: "longest" } },
      n.longest == null ? i18n.t("none") : fmt.duration(n.longest)),
    el("td", { class: "num", dataset: { field: "served" } }, fmt.number(t.served)),
    el("td", { class: `num${site.misses.wait ? " a-bad" : ""}`, dataset: { field: "avg_wait" } }, fmt.duration(t.avg_wait_s)),
    el("td", { class: `num${site.misses.satisfaction ? " a-bad" : ""}`, dataset: { field: "satisfaction" } },
      fmt.percent(t.satisfaction), t.rated ? el("span", { class: "a-note" }, ` (${fmt.number(t.rated)})`) : null),
    el("td", { class: `num${n.stale ? " a-stale" : ""}`, dataset: { field: "counters" } }, n.stale ? i18n.t("none") : counters));
  });
  $("sites-table").tBodies[0].replaceChildren(...rows);
}

function verdict(missed, none, noneKey) {
  if (none) return chip("off", i18n.t(noneKey), "verdict");
  return missed ? chip("danger", i18n.t("verdict.miss"), "verdict") : chip("ok", i18n.t("verdict.ok"), "verdict");
}

/** Best first; a center with no figure yet comes last, unranked. Revoked centers are not ranked. */
function ranked(key, better) {
  const active = sites.filter((s) => !s.revoked);
  const have = active.filter((s) => s.today[key] != null).sort((a, b) => better(a.today[key], b.today[key]) || a.name.localeCompare(b.name, "vi"));
  return [...have, ...active.filter((s) => s.today[key] == null)];
}

function renderRankings(targets) {
  $("rank-satisfaction-target").textContent = targets ? i18n.t("rank.satisfaction_target", { share: fmt.percent(targets.satisfaction) }) : "";
  $("rank-wait-target").textContent = targets ? i18n.t("rank.wait_target", { wait: fmt.duration(targets.wait_s) }) : "";
  $("rank-satisfaction").tBodies[0].replaceChildren(...ranked("satisfaction", (a, b) => b - a).map((s, i) => {
    const none = s.today.satisfaction == null;
    return el("tr", { dataset: { site: s.name, level: s.misses.satisfaction ? "over" : null } },
      el("td", { class: "num" }, none ? "" : String(i + 1)), el("td", {}, siteLink(s.name)),
      el("td", { class: "num" }, fmt.percent(s.today.satisfaction, 1)), el("td", { class: "num" }, fmt.number(s.today.rated)),
      el("td", {}, verdict(s.misses.satisfaction, none, "verdict.no_ratings")));
  }));
  $("rank-wait").tBodies[0].replaceChildren(...ranked("avg_wait_s", (a, b) => a - b).map((s, i) => {
    const none = s.today.avg_wait_s == null;
    const n = now(s);
    return el("tr", { dataset: { site: s.name, level: s.misses.wait ? "over" : null } },
      el("td", { class: "num" }, none ? "" : String(i + 1)), el("td", {}, siteLink(s.name)),
      el("td", { class: "num" }, fmt.duration(s.today.avg_wait_s)),
      el("td", { class: "num" }, n.longest == null ? i18n.t("none") : fmt.duration(n.longest)),
      el("td", {}, verdict(s.misses.wait, none, "verdict.no_calls")));
  }));
}

function renderDetail() {
  const d = detail;
  $("site-detail").hidden = !d;
  if (!d) return;
  if (scrollPending) { scrollPending = false; requestAnimationFrame(() => $("site-detail").scrollIntoView({ block: "start" })); }
  const live = d.live || {};
  const s = state(d);
  $("site-detail-title").textContent = d.name;
  $("site-detail-state").replaceChildren(...linkCell(d));
  $("site-detail").dataset.site = d.name;
  $("site-detail").dataset.state = s;
  $("site-detail-note").textContent = !d.live ? i18n.t("detail.no_live")
    : d.online ? i18n.t(live.day ? "detail.live_day" : "detail.live_at", { when: fmt.time(d.live_at, true), day: fmt.day(live.day) })
      : i18n.t("detail.stale", { when: when(d.live_at) });
  const t = d.today;
  const n = now(d);
  $("site-detail-kpis").replaceChildren(
    kpi("detail-issued", i18n.t("detail.issued"), fmt.number(t.issued)),
    kpi("detail-waiting", i18n.t("kpi.waiting"), fmt.number(n.waiting), n.stale && d.live_at ? i18n.t("stale", { when: when(d.live_at) }) : null),
    kpi("detail-longest", i18n.t("col.longest"), n.longest == null ? i18n.t("none") : fmt.duration(n.longest), null,
      n.longest > d.targets.wait_s ? "over" : null),
    kpi("detail-served", i18n.t("kpi.served"), fmt.number(t.served), i18n.t("detail.no_shows", { n: fmt.number(t.no_shows) })),
    kpi("detail-avg-wait", i18n.t("col.avg_wait"), fmt.duration(t.avg_wait_s), null, d.misses.wait ? "over" : t.avg_wait_s == null ? null : "ok"),
    kpi("detail-satisfaction", i18n.t("col.satisfaction"), fmt.percent(t.satisfaction),
      t.rating_mean == null ? i18n.t("kpi.rated", { n: fmt.number(t.rated) })
        : `${i18n.t("kpi.rated", { n: fmt.number(t.rated) })} · ${i18n.t("detail.rating_mean", { mean: fmt.number(t.rating_mean, 2) })}`,
      d.misses.satisfaction ? "over" : t.satisfaction == null ? null : "ok"),
  );
  const c = live.counters;
  $("site-detail-counters").textContent = c ? i18n.t("counters.long", Object.fromEntries(
    ["open", "serving", "called", "idle", "paused", "closed"].map((k) => [k, fmt.number(c[k] ?? 0)])))
    : live.counters_open != null ? i18n.t("counters.open_only", { open: fmt.number(live.counters_open) }) : "";
  const services = d.services || [];
  $("site-detail-no-services").hidden = d.services != null || !d.live;
  $("site-detail-services").hidden = d.services == null;
  $("site-detail-services").tBodies[0].replaceChildren(...services.map((svc) => el("tr", {
    dataset: { service: svc.code, level: svc.longest_wait_s != null && svc.target_wait_s != null && svc.longest_wait_s > svc.target_wait_s ? "over" : null },
  },
  el("td", {}, el("span", { class: "a-code" }, svc.code), i18n.name(svc.name) || ""),
  el("td", { class: "num", dataset: { field: "waiting" } }, fmt.number(svc.waiting)),
  el("td", { class: "num", dataset: { field: "longest" } }, svc.longest_wait_s == null ? i18n.t("none")
    : `${fmt.duration(svc.longest_wait_s)}${svc.oldest_number ? ` (${i18n.t("longest.number", { number: svc.oldest_number })})` : ""}`),
  el("td", { class: "num" }, fmt.duration(svc.target_wait_s)),
  el("td", { class: "num", dataset: { field: "served" } }, fmt.number(svc.served)),
  el("td", { class: "num" }, fmt.duration(svc.wait_mean_s)),
  el("td", {}, svc.counters_open.length ? svc.counters_open.join(", ") : i18n.t("none")))));
  $("site-detail-facts").tBodies[0].replaceChildren(...d.by_service.map((svc) => el("tr", { dataset: { service: svc.service } },
    el("td", {}, el("span", { class: "a-code" }, svc.service), serviceName(svc.service)),
    el("td", { class: "num", dataset: { field: "issued" } }, fmt.number(svc.issued)),
    el("td", { class: "num", dataset: { field: "served" } }, fmt.number(svc.served)),
    el("td", { class: "num", dataset: { field: "waiting" } }, fmt.number(svc.waiting)),
    el("td", { class: "num" }, fmt.duration(svc.avg_wait_s)),
    el("td", { class: "num" }, fmt.percent(svc.satisfaction)))));
}

/** A service's name as the center's live figures give it (the facts carry only its code). */
function serviceName(code) {
  const svc = ((detail && detail.services) || []).find((s) => s.code === code);
  return svc ? i18n.name(svc.name) : "";
}
