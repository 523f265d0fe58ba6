// The hall board: the newest call very large, the last calls, what each counter serves,
// people waiting per service, the clock, a scrolling notice and the hall's media (images and
// videos an admin scheduled). Live from /hall; speaks calls. Each board's set-up (which
// services and counters, landscape or portrait, turned for a TV on its side, media or not)
// comes with the display settings, read again whenever the hall's set-up changes.
//
// Memory stays flat for weeks: the lists are capped, DOM nodes are made once per counter,
// service and recent-call row and then only their text changes. Counters and services that
// do not fit at their readable size turn pages every PAGE_MS.

import { api } from "/static/api.js";
import { flash, startStation } from "./display-station.js";

const RECENT_ROWS = 4;     // beside the newest call, which the hero shows
const COUNTERS_PER_PAGE = 10;
const PAGE_MS = 10000;
const KEEP_CALLS = 24;     // calls remembered (then shown, after the board's filter)
const NOTICE_PX_PER_S = 110;
const MEDIA_CHECK_MS = 20000;  // how often the schedule is read again against the hall's clock
const MEDIA_RETRY_MS = 3000;   // a file that fails to load or play: the next item after this
const CALL_QUIET_MS = 6000;    // the media zone dims this long while a call flashes

const $ = (id) => document.getElementById(id);

const state = {
  counters: new Map(),    // number → counter state, only the board's counters
  services: new Map(),    // code → service, only the board's services
  calls: [],              // newest first, at most KEEP_CALLS
  filter: { services: null, counters: null },
  notice: null,           // the hall's {vi, en}, from the settings, then each snapshot and notice_changed
  ownNotice: false,       // this board has its own notice in config.yaml: the hall's does not replace it
  center: null,           // the center's {vi, en} name
  heroSeq: null,
  media: [],              // the hall's playlist: enabled items and their schedules (snapshot, media_changed)
  layout: "auto",         // this board's: auto (the screen's shape), landscape or portrait
  rotate: 0,              // degrees clockwise the whole page is turned
  showsMedia: true,       // false: this board never shows the media zone
};

const station = startStation({
  settings: applySettings,
  snapshot: applySnapshot,
  event: applyEvent,
  render: renderAll,
  announces: shown,
});
const { i18n } = station;

// -- what this board shows -----------------------------------------------------------------

function counterShown(number) {
  const { counters, services } = state.filter;
  if (counters) return counters.includes(number);
  if (services) {
    const c = state.counters.get(number);
    return !c || (c.services || []).some((code) => services.includes(code));
  }
  return true;
}

function serviceShown(code) {
  return !state.filter.services || state.filter.services.includes(code);
}

/** Is this call for this board (its counters, else its services)? */
function shown(call) {
  if (state.filter.counters) return state.filter.counters.includes(call.counter);
  return serviceShown(call.service);
}

// -- input ------------------------------------------------------------------------------

function applySettings(settings) {
  const before = JSON.stringify(state.filter);
  state.filter = { services: settings.services || null, counters: settings.counters || null };
  state.notice = settings.notice || null;
  state.ownNotice = Boolean(settings.own_notice);
  if (settings.center) state.center = settings.center.name;
  state.layout = settings.layout || "auto";
  state.rotate = settings.rotate || 0;
  state.showsMedia = settings.media !== false;
  arrange();
  scheduleMedia(true);
  if (JSON.stringify(state.filter) !== before && station && station.hall) station.hall.resync();
  renderNotice();
}

/** The set-up changed (perhaps this board's): read this board's settings again, no reload. */
async function refetchSettings() {
  try {
    const settings = await api("display-settings", { token: station.token });
    station.settings = settings;
    applySettings(settings);
  } catch { /* the next reconnect or the periodic refresh reads them */ }
}

// -- the arrangement: landscape or portrait, maybe turned ------------------------------------

const portraitScreen = matchMedia("(orientation: portrait)");

/** Portrait when forced, or (auto) when the page, as turned, is taller than wide. */
function arrange() {
  const turned = state.rotate === 90 || state.rotate === 270;
  const portrait = state.layout === "auto" ? portraitScreen.matches !== turned : state.layout === "portrait";
  document.body.classList.toggle("is-portrait", portrait);
  if (state.rotate) document.body.dataset.rotate = String(state.rotate);
  else delete document.body.dataset.rotate;
}
portraitScreen.addEventListener("change", () => { arrange(); renderNotice(); });
arrange();  // the screen's shape until the settings say otherwise

function applySnapshot(snap, { first }) {
  if (snap.center) state.center = snap.center.name;
  if ("notice" in snap && !state.ownNotice) state.notice = snap.notice;
  if ("media" in snap) setMedia(snap.media);
  state.counters.clear();
  for (const c of snap.counters || []) state.counters.set(c.number, c);
  for (const number of [...state.counters.keys()]) if (!counterShown(number)) state.counters.delete(number);
  state.services.clear();
  for (const s of snap.services || []) if (serviceShown(s.code)) state.services.set(s.code, s);
  const calls = (snap.recent_calls || []).filter(shown).slice(0, KEEP_CALLS);
  const newest = calls[0];
  // After an outage the newest call may be one this board never saw: show it (flash, no voice).
  const unseen = !first && newest && state.heroSeq !== null && newest.seq > state.heroSeq;
  state.calls = calls;
  renderAll();
  if (unseen) flashHero();
}

function applyEvent(name, payload) {
  if (name === "ticket_called") {
    if (!shown(payload)) return;
    state.calls.unshift({
      seq: payload.seq, number: payload.number, service: payload.service, counter: payload.counter,
      recall: payload.recall, at: payload.called_at,
    });
    if (state.calls.length > KEEP_CALLS) state.calls.length = KEEP_CALLS;
    renderCalls();
    flashHero();
    flash($("recent").firstElementChild);
    flash(counterTiles.get(payload.counter));
    quietMedia();
  } else if (name === "counter_changed") {
    // A counter that opens, pauses or closes carries its services' new estimates, which
    // matter to this board even when the counter itself is not on it.
    if ((payload.queues || []).map(applyQueue).some(Boolean)) renderServices();  // every one applied
    if (!payload.state || !counterShown(payload.counter)) return;
    state.counters.set(payload.counter, payload.state);
    renderCounters();
  } else if (name === "queue_changed") {
    if (applyQueue(payload)) renderServices();
  } else if (name === "notice_changed" && !state.ownNotice) {
    state.notice = payload.notice || null;
    renderNotice();
  } else if (name === "media_changed") {
    setMedia(payload.media);
  } else if (name === "setup_changed") {
    refetchSettings();
  }
}

/** A service's new count and estimate; false when the service is not on this board. */
function applyQueue(queue) {
  const service = state.services.get(queue.service);
  if (!service) return false;
  service.waiting = queue.waiting;
  if (queue.estimated_wait_s !== undefined) service.estimated_wait_s = queue.estimated_wait_s;
  return true;
}

// -- output -----------------------------------------------------------------------------

function renderAll() {
  $("center-name").textContent = i18n.name(state.center);
  renderCalls();
  renderCounters();
  renderServices();
  renderNotice();
}

function serviceName(code) {
  const s = state.services.get(code);
  return s ? i18n.name(s.name) : "";
}

/** The newest call in the hero; the next ones (one row per ticket and counter) below it. */
function renderCalls() {
  const seen = new Set();
  const calls = state.calls.filter((c) => {
    const key = `${c.number}@${c.counter}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const [newest, ...rest] = calls;
  $("hero-empty").hidden = Boolean(newest);
  $("hero").classList.toggle("is-empty", !newest);
  $("hero-number").textContent = newest ? newest.number : "";
  $("hero-number").style.setProperty("--chars", newest ? Math.max(4, newest.number.length) : 4);
  $("hero-counter").textContent = newest ? i18n.t("board.to_counter", { counter: newest.counter }) : "";
  $("hero-service").textContent = newest ? serviceName(newest.service) : "";
  state.heroSeq = newest ? newest.seq : state.heroSeq;

  const list = $("recent");
  while (list.children.length < RECENT_ROWS) {
    const row = document.createElement("li");
    row.className = "b-recent__row";
    row.innerHTML = '<span class="b-recent__number"></span><span class="b-recent__arrow" aria-hidden="true">→</span>'
      + '<span class="b-recent__counter"></span>';
    list.append(row);
  }
  [...list.children].forEach((row, i) => {
    const call = rest[i];
    row.hidden = !call;
    row.children[0].textContent = call ? call.number : "";
    row.children[2].textContent = call ? i18n.t("board.to_counter", { counter: call.counter }) : "";
  });
}

function flashHero() { flash($("hero")); }

// One tile per counter, made once and kept while the counter is on the board.
const counterTiles = new Map();

let counterPage = 0;

function renderCounters() {
  const grid = $("counters");
  const numbers = [...state.counters.keys()].sort((a, b) => a - b);
  for (const [number, tile] of counterTiles) {
    if (!state.counters.has(number)) { tile.remove(); counterTiles.delete(number); }
  }
  numbers.forEach((number, i) => {
    let tile = counterTiles.get(number);
    if (!tile) {
      tile = document.createElement("div");
      tile.className = "b-counter";
      tile.innerHTML = '<span class="b-counter__name"></span><span class="b-counter__value"></span>';
      counterTiles.set(number, tile);
    }
    if (grid.children[i] !== tile) grid.insertBefore(tile, grid.children[i] || null);
    const c = state.counters.get(number);
    const current = c.current && (c.current.status === "called" || c.current.status === "serving") ? c.current : null;
    let value = i18n.t("board.idle");
    let status = "idle";
    if (current) { value = current.number; status = current.status; }
    else if (c.status === "paused") { value = i18n.t("pause.other"); status = "paused"; }  // the reason is the console's
    else if (c.status === "closed") { value = i18n.t("status.closed_short"); status = "closed"; }
    tile.dataset.status = status;
    tile.children[0].textContent = i18n.t("counter", { counter: number });
    tile.children[1].textContent = value;
  });
  const count = numbers.length;
  const perPage = Math.min(count, COUNTERS_PER_PAGE);
  const cols = perPage <= 4 ? Math.max(perPage, 1) : Math.ceil(perPage / 2);
  grid.style.setProperty("--cols", cols);
  showCounterPage();
}

/** Ten counters at a time; a hall with more turns the page. */
function showCounterPage() {
  const tiles = [...$("counters").children];
  const pages = Math.max(1, Math.ceil(tiles.length / COUNTERS_PER_PAGE));
  counterPage %= pages;
  tiles.forEach((tile, i) => { tile.hidden = Math.floor(i / COUNTERS_PER_PAGE) !== counterPage; });
  $("counters-page").hidden = pages < 2;
  $("counters-page").textContent = `${counterPage + 1}/${pages}`;
}

const serviceRows = new Map();
let servicePage = 0;

/** What the board says beside a service's count: its wait, or why there is none. */
function waitText(s) {
  if (s.open === false) return i18n.t("board.out_of_hours");
  if (s.estimated_wait_s === null) return i18n.t("wait.no_counter");
  // Nobody waiting: the count says it all. Otherwise the server's estimate is a minute or more.
  return s.waiting && s.estimated_wait_s ? i18n.wait(s.estimated_wait_s) : "";
}

function renderServices() {
  const list = $("services");
  const codes = [...state.services.keys()];
  for (const [code, row] of serviceRows) {
    if (!state.services.has(code)) { row.remove(); serviceRows.delete(code); }
  }
  codes.forEach((code, i) => {
    let row = serviceRows.get(code);
    if (!row) {
      row = document.createElement("li");
      row.className = "b-service";
      row.innerHTML = '<span class="b-service__main"><span class="b-service__name"></span>'
        + '<span class="b-service__wait"></span></span><span class="b-service__count"></span>';
      serviceRows.set(code, row);
    }
    if (list.children[i] !== row) list.insertBefore(row, list.children[i] || null);
    const s = state.services.get(code);
    row.dataset.open = String(s.open !== false);
    row.querySelector(".b-service__name").textContent = i18n.name(s.name);
    row.querySelector(".b-service__wait").textContent = waitText(s);
    row.querySelector(".b-service__count").textContent = String(s.waiting ?? 0);
  });
  paginateServices();
}

/**
 * Split the rows into pages that fit the list's height (rows are one or two lines high, so
 * they are measured), then show the current page.
 */
let servicePages = [];
function paginateServices() {
  const list = $("services");
  const rows = [...list.children];
  for (const row of rows) row.classList.remove("is-other-page");
  const height = list.clientHeight;
  servicePages = [];
  let start = null;
  for (const row of rows) {
    const top = row.offsetTop - list.offsetTop;
    const style = getComputedStyle(row);  // a row's last rule and padding may be cut: no text there
    const bottom = top + row.offsetHeight - parseFloat(style.paddingBottom) - parseFloat(style.borderBottomWidth);
    if (start === null || (bottom - start > height + 0.5 && servicePages.at(-1).length)) {
      servicePages.push([]);
      start = top;
    }
    servicePages.at(-1).push(row);
  }
  if (!servicePages.length) servicePages = [[]];
  showServicePage();
}

function showServicePage() {
  servicePage %= servicePages.length;
  servicePages.forEach((rows, i) => rows.forEach((row) => row.classList.toggle("is-other-page", i !== servicePage)));
  $("services-page").hidden = servicePages.length < 2;
  $("services-page").textContent = `${servicePage + 1}/${servicePages.length}`;
}

setInterval(() => {
  counterPage += 1;
  showCounterPage();
  servicePage += 1;
  showServicePage();
}, PAGE_MS);
// Pages are measured: again whenever the list's box or the rows' font changes.
new ResizeObserver(() => paginateServices()).observe($("services"));
document.fonts.addEventListener("loadingdone", () => paginateServices());

/** The notice crawls right to left, at the same speed whatever its length. */
let noticeKey = "";
function renderNotice() {
  const box = $("notice");
  const text = state.notice ? i18n.name(state.notice) : "";
  box.hidden = !text;
  const line = $("notice-text");
  const key = `${text}|${box.clientWidth}`;
  if (!text || key === noticeKey) return;
  noticeKey = key;
  line.textContent = text;
  const from = box.clientWidth;
  const to = -line.scrollWidth;
  line.style.setProperty("--from", `${from}px`);
  line.style.setProperty("--to", `${to}px`);
  line.style.setProperty("--duration", `${((from - to) / NOTICE_PX_PER_S).toFixed(1)}s`);
}
window.addEventListener("resize", renderNotice);

// -- the media zone ------------------------------------------------------------------------
// The playlist comes whole with each snapshot and media_changed; which items are due is read
// here, against the hall's clock and time zone (a schedule that starts at 07:30 needs no event).
// The due items play in turn: an image for its seconds, a video (muted) to its end.

const player = { due: [], key: "", current: null, timer: null, quiet: null };

/** The hall's day ("2026-11-26"), ISO weekday (1 = Monday) and time ("07:30") now. */
function hallNow() {
  const now = new Date(Date.now() + station.clockOffsetMs);
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-GB", {
    timeZone: station.timezone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit",
    minute: "2-digit", weekday: "short", hourCycle: "h23",
  }).formatToParts(now).map((p) => [p.type, p.value]));
  const weekday = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(parts.weekday) + 1;
  return { day: `${parts.year}-${parts.month}-${parts.day}`, weekday, time: `${parts.hour}:${parts.minute}` };
}

function isDue(item, now) {
  if ((item.from && now.day < item.from) || (item.until && now.day > item.until)) return false;
  if (!(item.weekdays || []).includes(now.weekday)) return false;
  return !item.time_from || (now.time >= item.time_from && now.time < item.time_until);
}

function setMedia(list) {
  state.media = Array.isArray(list) ? list : [];
  scheduleMedia();
}

/** Read the schedule again: show the zone while something is due, and keep playing what still is. */
function scheduleMedia(force = false) {
  const now = hallNow();
  const due = state.showsMedia ? state.media.filter((item) => isDue(item, now)) : [];
  const key = JSON.stringify(due.map((item) => [item.id, item.url, item.seconds]));
  if (key === player.key && !force) return;
  player.key = key;
  player.due = due;
  document.body.classList.toggle("has-media", due.length > 0);
  $("media").hidden = !due.length;
  if (!due.length) { stopMedia(); return; }
  const still = player.current && due.find((item) => item.id === player.current.id);
  if (still) player.current = still;  // its next turn takes its new seconds
  else playNext();
}

function stopMedia() {
  clearTimeout(player.timer);
  player.current = null;
  const video = $("media-video");
  video.pause();
  video.removeAttribute("src");
  video.load();  // lets the decoder go
  $("media-image").removeAttribute("src");
  video.hidden = $("media-image").hidden = true;
}

function playNext() {
  clearTimeout(player.timer);
  if (!player.due.length) return;
  const at = player.current ? player.due.findIndex((item) => item.id === player.current.id) : -1;
  const item = player.due[(at + 1) % player.due.length];
  player.current = item;
  const image = $("media-image");
  const video = $("media-video");
  if (item.kind === "video") {
    image.hidden = true;
    image.removeAttribute("src");
    video.hidden = false;
    if (video.getAttribute("src") !== item.url) video.src = item.url;
    else video.currentTime = 0;
    video.play().catch(() => { player.timer = setTimeout(playNext, MEDIA_RETRY_MS); });
  } else {
    if (!video.hidden) { video.pause(); video.removeAttribute("src"); video.load(); video.hidden = true; }
    image.src = item.url;
    image.hidden = false;
    player.timer = setTimeout(playNext, (item.seconds || 10) * 1000);
  }
}

/** A call goes first: the media zone steps back while the hero flashes. */
function quietMedia() {
  $("media").classList.add("is-calling");
  clearTimeout(player.quiet);
  player.quiet = setTimeout(() => $("media").classList.remove("is-calling"), CALL_QUIET_MS);
}

$("media-video").addEventListener("ended", playNext);
$("media-video").addEventListener("error", () => { player.timer = setTimeout(playNext, MEDIA_RETRY_MS); });
$("media-image").addEventListener("error", () => {
  if ($("media-image").getAttribute("src")) { clearTimeout(player.timer); player.timer = setTimeout(playNext, MEDIA_RETRY_MS); }
});
setInterval(scheduleMedia, MEDIA_CHECK_MS);
