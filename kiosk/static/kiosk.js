// The touch kiosk: pairing, the service buttons, issuing a ticket, the offline state.

import { api, ApiError, Backoff, NetworkError, pairedToken, randomId, sleep } from "/static/api.js";
import { COMMON, clockText, createI18n } from "/static/i18n.js";
import { connectHall } from "/static/live.js";
import { KIOSK } from "./kiosk-i18n.js";
import { blockedReason, refreshTile, renderServices } from "./kiosk-services.js";
import { TicketScreen } from "./kiosk-ticket.js";

const TOKEN_KEY = "hallq.kiosk.token";
const SERVICES_REFRESH_MS = 60000;   // opening hours turn over; counts come live
const FULL_FOR_MS = 10 * 60000;      // a service that said daily_cap_reached stays greyed this long
const INTENT_REUSE_MS = 120000;      // a failed tap's key is reused when the same choice is tapped again
const ISSUE_RETRY_FOR_MS = 12000;

const $ = (id) => document.getElementById(id);
const body = document.body;
const params = new URLSearchParams(location.search);
const setting = (name, attr) => Number(params.get(name) || body.dataset[attr]);
const config = {
  returnS: setting("return", "returnS"), returnFailedS: setting("failed", "returnFailedS"),
  idleS: setting("idle", "idleS"), pageSize: Math.max(1, setting("page", "pageSize")),
};

const i18n = createI18n([COMMON, KIOSK], { lang: "vi" });
const state = {
  token: null, services: [], center: null, timezone: "Asia/Ho_Chi_Minh", clockOffsetMs: 0,
  page: 0, pages: 1, priority: null, fullUntil: new Map(),
  socketOnline: null, httpOnline: true, busy: false, intent: null, paired: true,
};
let hall = null;
const ticketScreen = new TicketScreen({
  i18n, token: () => state.token, returnS: config.returnS, returnFailedS: config.returnFailedS,
  onDone: () => { goHome(); },
});

// -- pairing ------------------------------------------------------------------------------

function readToken() {
  state.token = pairedToken(TOKEN_KEY) || state.token;
  return state.token;
}

function showPairing(reasonKey) {
  state.paired = false;
  $("pairing-reason").dataset.i18n = reasonKey;
  show("pairing");
  i18n.apply();
}

// -- screens --------------------------------------------------------------------------------

function show(name) {
  body.dataset.screen = name;
  for (const section of document.querySelectorAll(".k-screen")) section.hidden = section.id !== `screen-${name}`;
  updateOffline();
}

function renderHome() {
  state.pages = renderServices($("services"), state.services, i18n,
    { page: state.page, pageSize: config.pageSize, priority: state.priority, fullUntil: state.fullUntil });
  state.page = Math.min(state.page, state.pages - 1);
  $("pager").hidden = state.pages < 2;
  $("page-label").textContent = i18n.t("kiosk.page", { page: state.page + 1, pages: state.pages });
  $("page-prev").disabled = state.page === 0;
  $("page-next").disabled = state.page >= state.pages - 1;
  $("priority-off").hidden = Boolean(state.priority) || !state.services.some((s) => s.priority_allowed);
  $("priority-on").hidden = !state.priority;
  if (state.priority) {
    $("priority-chosen").textContent = i18n.t("kiosk.priority.chosen", { category: i18n.t(`priority.${state.priority}`) });
  }
}

function renderTop() {
  $("center-name").textContent = state.center ? i18n.name(state.center) : "";
  const { time, date } = clockText(new Date(Date.now() + state.clockOffsetMs), state.timezone);
  $("clock-time").textContent = time;
  $("clock-date").textContent = date;
}

function renderAll() {
  i18n.apply();
  renderTop();
  if (state.services.length || body.dataset.screen === "home") renderHome();
  if (ticketScreen.active) ticketScreen.render();
}

/** Back to the start: Vietnamese, first page, no priority, nothing pending. */
function goHome() {
  state.priority = null;
  state.page = 0;
  hideMessage();
  i18n.setLang("vi");
  renderHome();
  show(state.paired ? "home" : "pairing");
}

let messageTimer = null;
function showMessage(text) {
  const box = $("home-message");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(messageTimer);
  messageTimer = setTimeout(hideMessage, 8000);
}
function hideMessage() { $("home-message").hidden = true; }

// -- being online ------------------------------------------------------------------------

function updateOffline() {
  const offline = state.paired && (state.socketOnline === false || !state.httpOnline);
  const onTicket = body.dataset.screen === "ticket";
  $("offline").hidden = !offline || onTicket;          // a shown number stays readable
  $("offline-strip").hidden = !offline || !onTicket;
  body.classList.toggle("is-offline", offline);
}

function setHttpOnline(value) {
  if (state.httpOnline === value) return;
  state.httpOnline = value;
  updateOffline();
  if (!value) probe();
}

let probing = false;
/** While the server does not answer, ask again with backoff; never reloads the page. */
async function probe() {
  if (probing) return;
  probing = true;
  const backoff = new Backoff({ minMs: 1000, maxMs: 10000 });
  while (!state.httpOnline && state.paired) {
    await sleep(backoff.next());
    await loadServices();
  }
  probing = false;
}

async function loadServices() {
  try {
    const services = await api("services", { token: state.token, lang: i18n.lang });
    state.services = Array.isArray(services) ? services : [];
    setHttpOnline(true);
    if (body.dataset.screen === "loading") show("home");
    if (body.dataset.screen === "home") renderHome();
    return true;
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) showPairing("pairing.rejected");
    else if (err instanceof NetworkError || err.status >= 500) setHttpOnline(false);
    return false;
  }
}

function connectLive() {
  hall = connectHall({
    token: state.token,  // the live feed is closed to anonymous clients when the public board is off
    onSnapshot(snap) {
      if (snap.center) {
        state.center = snap.center.name;
        state.timezone = snap.center.timezone || state.timezone;
      }
      if (snap.server_time) state.clockOffsetMs = Date.parse(snap.server_time) - Date.now();
      if (Array.isArray(snap.services)) {
        state.services = snap.services;
        if (body.dataset.screen === "home") renderHome();
      }
      renderTop();
    },
    onEvent(name, payload) {
      if (name !== "queue_changed") return;
      const service = state.services.find((s) => s.code === payload.service);
      if (!service) return;
      service.waiting = payload.waiting;
      if (payload.estimated_wait_s !== undefined) service.estimated_wait_s = payload.estimated_wait_s;
      refreshTile($("services"), service, i18n, { priority: state.priority, fullUntil: state.fullUntil });
    },
    onOnline() { state.socketOnline = true; updateOffline(); loadServices(); },
    onOffline() { state.socketOnline = false; updateOffline(); },
  });
}

// -- issuing ------------------------------------------------------------------------------

/** One tap-intent: the same choice tapped again soon after a failure reuses its key. */
function intentFor(service, priority) {
  const now = Date.now();
  const old = state.intent;
  if (old && old.service === service && old.priority === priority && now - old.at < INTENT_REUSE_MS) return old;
  state.intent = { service, priority, key: randomId(), at: now };
  return state.intent;
}

async function issue(service) {
  if (state.busy) return;
  state.busy = true;
  body.classList.add("is-busy");
  $("issuing").hidden = false;
  hideMessage();
  const intent = intentFor(service.code, state.priority);
  const request = { service: service.code, lang: i18n.lang, idempotency_key: intent.key };
  if (state.priority) request.priority = state.priority;
  const backoff = new Backoff({ minMs: 500, maxMs: 4000 });
  const until = Date.now() + ISSUE_RETRY_FOR_MS;
  try {
    for (;;) {
      try {
        const data = await api("tickets", { method: "POST", body: request, token: state.token, lang: i18n.lang });
        state.intent = null;
        setHttpOnline(true);
        show("ticket");
        ticketScreen.show(data.ticket, data.print, service);
        return;
      } catch (err) {
        if (err instanceof NetworkError && Date.now() < until) { await sleep(backoff.next()); continue; }
        throw err;
      }
    }
  } catch (err) {
    handleIssueError(err, service);
  } finally {
    state.busy = false;
    body.classList.remove("is-busy");
    $("issuing").hidden = true;
  }
}

function handleIssueError(err, service) {
  if (err instanceof ApiError) {
    state.intent = null;  // the server said no; a new tap is a new intent
    if (err.status === 401 || err.status === 403) { showPairing("pairing.rejected"); return; }
    if (err.code === "daily_cap_reached") state.fullUntil.set(service.code, Date.now() + FULL_FOR_MS);
    if (err.code === "service_closed") service.open = false;
    renderHome();
    showMessage(i18n.error(err.code));
    if (err.code === "service_closed") loadServices();
    return;
  }
  setHttpOnline(false);
  showMessage(i18n.error("network"));
}

// -- touch handling ------------------------------------------------------------------------

function onServiceTap(event) {
  const tile = event.target.closest(".k-service");
  if (!tile || state.busy) return;
  const service = state.services.find((s) => s.code === tile.dataset.code);
  if (!service) return;
  const reason = blockedReason(service, { priority: state.priority, fullUntil: state.fullUntil });
  if (reason === "closed") { showMessage(i18n.error("service_closed")); return; }
  if (reason === "full") { showMessage(i18n.error("daily_cap_reached")); return; }
  if (reason === "no_priority") { showMessage(i18n.error("priority_not_allowed")); return; }
  issue(service);
}

let idleTimer = null;
function touched() {
  clearTimeout(idleTimer);
  ticketScreen.touched();
  idleTimer = setTimeout(() => {
    const screen = body.dataset.screen;
    const changed = i18n.lang !== "vi" || state.priority || state.page || screen === "priority";
    if ((screen === "home" || screen === "priority") && changed && !state.busy) goHome();
  }, config.idleS * 1000);
}

function wire() {
  // Touch only: no context menu, no dragging, no pinch zoom, no keyboard shortcuts needed.
  for (const type of ["contextmenu", "dragstart", "selectstart", "gesturestart"]) {
    document.addEventListener(type, (e) => e.preventDefault());
  }
  document.addEventListener("pointerdown", touched, { passive: true });
  $("services").addEventListener("click", onServiceTap);
  $("lang").addEventListener("click", () => i18n.toggle());
  $("page-prev").addEventListener("click", () => { state.page -= 1; renderHome(); });
  $("page-next").addEventListener("click", () => { state.page += 1; renderHome(); });
  $("priority-open").addEventListener("click", () => show("priority"));
  $("priority-back").addEventListener("click", () => show("home"));
  $("priority-cancel").addEventListener("click", () => { state.priority = null; renderHome(); });
  for (const choice of document.querySelectorAll(".k-choice")) {
    choice.addEventListener("click", () => {
      state.priority = choice.dataset.category;
      state.page = 0;
      renderHome();
      show("home");
    });
  }
  i18n.onChange(renderAll);
}

function start() {
  // Pairing again on an open kiosk is a same-page navigation: take the new token and start over.
  window.addEventListener("hashchange", () => { if (/token=/.test(location.hash) && readToken()) location.reload(); });
  wire();
  i18n.apply();
  renderTop();
  setInterval(renderTop, 5000);
  if (!readToken()) { showPairing("pairing.missing"); return; }
  loadServices();
  setInterval(() => { if (body.dataset.screen === "home" && !state.busy) loadServices(); }, SERVICES_REFRESH_MS);
  connectLive();
  touched();
}

start();
