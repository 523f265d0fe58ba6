// The touch kiosk: pairing, the service and group buttons, priority, issuing a ticket, the offline state.

import { api, ApiError, Backoff, NetworkError, pairedToken, randomId, sleep } from "/static/api.js";
import { COMMON, clockText, createI18n } from "/static/i18n.js";
import { HALL_EVENTS, connectHall } from "/static/live.js";
import { CheckIn, checkInNote } from "./kiosk-checkin.js";
import { KIOSK } from "./kiosk-i18n.js";
import { PriorityCategories } from "./kiosk-priority.js";
import { searchServices } from "./kiosk-search.js";
import { blockedReason, entries, fitTiles, groupServices, refreshTile, renderTiles } from "./kiosk-services.js";
import { TicketScreen } from "./kiosk-ticket.js";

const TOKEN_KEY = "hallq.kiosk.token";
const SERVICES_REFRESH_MS = 60000;   // opening hours turn over; counts come live
const FULL_FOR_MS = 10 * 60000;      // a service that said daily_cap_reached stays greyed this long
const INTENT_REUSE_MS = 120000;      // a failed tap's key is reused when the same choice is tapped again
// A tap is retried with the same idempotency key while the server cannot answer (no answer,
// or a 5xx: a dropped database connection, a held lock's 503 after its 5 s busy timeout), so
// the citizen never taps twice and never gets two numbers.
const ISSUE_RETRY_FOR_MS = 20000;
const ISSUE_ATTEMPTS = 5;

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
  page: 0, pages: 1, priority: null, fullUntil: new Map(), group: null, query: "",
  socketOnline: null, httpOnline: true, busy: false, intent: null, paired: true,
};
let hall = null;
const categories = new PriorityCategories(i18n);
const ticketScreen = new TicketScreen({
  i18n, token: () => state.token, online: () => Boolean(hall && hall.online),
  printerPaused: () => body.dataset.printer in PRINTER_WARNS,
  returnS: config.returnS, returnFailedS: config.returnFailedS,
  onDone: () => { goHome(); },
});

const checkIn = new CheckIn({ i18n, show: (name) => show(name), submit: (code) => checkInCode(code), busy: () => state.busy });

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
  if (name === "home") fitTiles($("services"));  // measured only once they are on screen
  if (name === "priority") fitTiles($("priority-choices"));
  updateOffline();
}

/** The search field is offered when the services are more than a page holds. */
function searchOffered() {
  return state.services.length > config.pageSize;
}

/** The first screen (groups and lone services), the services found, or those of the open group. */
function homeList() {
  if (state.query.trim() && searchOffered() && state.group === null) return searchServices(state.services, state.query);
  if (state.group !== null) {
    const services = groupServices(state.services, state.group);
    if (services) return services;
    state.group = null;  // the group is gone from config.yaml
  }
  return entries(state.services);
}

function renderHome() {
  const list = homeList();
  $("services").classList.toggle("is-search", Boolean(state.query.trim()) && state.group === null);
  const empty = state.query.trim() ? i18n.t("kiosk.search.none", { query: state.query.trim() }) : null;
  state.pages = renderTiles($("services"), list, i18n,
    { page: state.page, pageSize: config.pageSize, empty, priority: state.priority, fullUntil: state.fullUntil });
  state.page = Math.min(state.page, state.pages - 1);
  $("pager").hidden = state.pages < 2;
  $("page-label").textContent = i18n.t("kiosk.page", { page: state.page + 1, pages: state.pages });
  $("page-prev").disabled = state.page === 0;
  $("page-next").disabled = state.page >= state.pages - 1;
  const inGroup = state.group !== null;
  $("home-heading").hidden = inGroup;
  renderSearch(inGroup);
  $("group-bar").hidden = !inGroup;
  if (inGroup) {
    const group = state.services.find((s) => s.group && s.group.vi === state.group);
    $("group-title").textContent = group ? i18n.name(group.group) : "";
  }
  const offered = categories.offered && state.services.some((s) => s.priority_allowed);
  $("priority-off").hidden = Boolean(state.priority) || !offered;
  $("priority-on").hidden = !state.priority;
  if (state.priority) {
    $("priority-chosen").textContent = i18n.t("kiosk.priority.chosen", { category: categories.name(state.priority) });
  }
  fitTiles($("services"));  // now that the bars above and the pager below have their size
}

function renderSearch(inGroup) {
  const input = $("search");
  $("search-bar").hidden = inGroup || !searchOffered();
  input.placeholder = i18n.t("kiosk.search.placeholder");
  if (input.value !== state.query) input.value = state.query;
  $("search-clear").hidden = !state.query;
}

function setQuery(value) {
  state.query = value;
  state.page = 0;
  hideMessage();
  renderHome();
}

function renderPriority() {
  $("priority-open-text").textContent = categories.summary();
  categories.render($("priority-choices"));
}

/** The kiosk's settings (the priority categories); their names join the catalog. */
async function loadSettings() {
  try {
    const settings = await api("kiosk-settings", { token: state.token });
    categories.set(settings.priority_categories);
    if (settings.center) {
      state.center = settings.center.name;
      state.timezone = settings.center.timezone || state.timezone;
    }
    renderPriority();
    renderTop();
    if (body.dataset.screen === "home") renderHome();
    return true;
  } catch {
    return false;  // asked again with the services (probe) and on every reconnect
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
  renderPriority();
  if (state.services.length || body.dataset.screen === "home") renderHome();
  if (ticketScreen.active) ticketScreen.render();
}

/** Back to the start: Vietnamese, first page, no group open, no priority, nothing pending. */
function goHome() {
  state.priority = null;
  state.group = null;
  state.query = "";
  state.page = 0;
  $("search").blur();
  hideMessage();
  showAppointment(null);
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

/** The printer's condition, pushed when it changes and on every connect: warn before the tap. */
const PRINTER_WARNS = { paper_out: 1, cover_open: 1, offline: 1, failed: 1 };
function showPrinter(status) {
  const warn = Boolean(status && status.warn);
  $("printer-paused").hidden = !warn;
  body.dataset.printer = warn ? status.printer : (status && status.printer) || "ok";
  if (ticketScreen.active) ticketScreen.renderPrint();  // a ticket on screen says it too
}

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
    if (await loadServices() && !categories.offered) await loadSettings();
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
    token: state.token,  // with a kiosk token: the services' figures, and this kiosk's print results
    events: [...HALL_EVENTS, "ticket_printed", "printer_status"],
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
      if (name === "ticket_printed") { ticketScreen.printed(payload); return; }
      if (name === "printer_status") { showPrinter(payload); return; }
      if (name === "setup_changed") { loadSettings(); loadBookingOffer(); return; }  // the priority categories may have changed too
      // A counter that opens, pauses or closes carries its services' new estimates.
      const queues = name === "queue_changed" ? [payload] : name === "counter_changed" ? payload.queues || [] : [];
      for (const queue of queues) {
        const service = state.services.find((s) => s.code === queue.service);
        if (!service) continue;
        service.waiting = queue.waiting;
        if (queue.estimated_wait_s !== undefined) service.estimated_wait_s = queue.estimated_wait_s;
        refreshTile($("services"), state.services, service, i18n, { priority: state.priority, fullUntil: state.fullUntil });
      }
    },
    onOnline() {
      state.socketOnline = true; body.dataset.live = "on"; updateOffline(); loadServices(); loadSettings(); loadBookingOffer();
    },
    onOffline() { state.socketOnline = false; body.dataset.live = "off"; updateOffline(); },
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
    for (let attempt = 1; ; attempt += 1) {
      try {
        const data = await api("tickets", { method: "POST", body: request, token: state.token, lang: i18n.lang });
        state.intent = null;
        setHttpOnline(true);
        showAppointment(null);
        show("ticket");
        ticketScreen.show(data.ticket, data.print, service);
        return;
      } catch (err) {
        const again = err instanceof NetworkError || (err instanceof ApiError && err.status >= 500);
        if (again && attempt < ISSUE_ATTEMPTS && Date.now() < until) { await sleep(backoff.next()); continue; }
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
  if (err instanceof ApiError && err.status >= 500) {
    // The server could not answer in time: the ticket may yet exist, so the same choice
    // tapped again keeps its key (and gets that ticket, never a second one).
    showMessage(i18n.error(err.code));
    return;
  }
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

// -- checking a booking in ------------------------------------------------------------------

/** Offer "Tôi đã đặt lịch" when some service takes bookings. */
async function loadBookingOffer() {
  try {
    const list = await api("appointments/services", { token: state.token });
    const offered = Array.isArray(list) && list.length > 0;
    if (offered === !$("checkin-bar").hidden) return;
    checkIn.offer(offered);
    fitTiles($("services"));  // the bar takes room from the tiles (or gives it back)
  } catch { /* asked again on the next set-up change or reconnect */ }
}

function showAppointment(note) {
  const box = $("t-appointment");
  box.hidden = !note;
  box.textContent = note ? note.text : "";
  box.className = `hq-banner k-ticket__appointment${note ? ` is-${note.kind}` : ""}`;
}

/** POST /tickets {appointment}: the ticket screen as for any ticket; else the words for why not (a string). */
async function checkInCode(code) {
  state.busy = true;
  body.classList.add("is-busy");
  const request = { appointment: code, lang: i18n.lang, idempotency_key: randomId() };
  const backoff = new Backoff({ minMs: 500, maxMs: 4000 });
  const until = Date.now() + ISSUE_RETRY_FOR_MS;
  try {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const data = await api("tickets", { method: "POST", body: request, token: state.token, lang: i18n.lang });
        setHttpOnline(true);
        const service = state.services.find((s) => s.code === data.ticket.service);
        show("ticket");
        ticketScreen.show(data.ticket, data.print, service);
        showAppointment(checkInNote(i18n, data.checked_in, new Date(Date.now() + state.clockOffsetMs), state.timezone));
        return null;
      } catch (err) {
        const again = err instanceof NetworkError || (err instanceof ApiError && err.status >= 500);
        if (again && attempt < ISSUE_ATTEMPTS && Date.now() < until) { await sleep(backoff.next()); continue; }
        throw err;
      }
    }
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) { showPairing("pairing.rejected"); return null; }
    if (!(err instanceof ApiError)) setHttpOnline(false);
    if (err instanceof ApiError && err.code === "appointment_wrong_day" && err.params.date) {
      const date = err.params.date.split("-").reverse().join("/");
      return `${i18n.error(err)} ${i18n.t("kiosk.checkin.booked_for", { start: err.params.start, date })}`;
    }
    return err instanceof ApiError ? i18n.error(err) : i18n.error("network");
  } finally {
    state.busy = false;
    body.classList.remove("is-busy");
  }
}

// -- touch handling ------------------------------------------------------------------------

function onTileTap(event) {
  if (state.busy) return;
  const group = event.target.closest(".k-group");
  if (group) {
    state.group = group.dataset.group;
    state.page = 0;
    hideMessage();
    renderHome();
    return;
  }
  const tile = event.target.closest(".k-service");
  if (!tile) return;
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
    const changed = i18n.lang !== "vi" || state.priority || state.page || state.group !== null || state.query
      || screen === "priority" || screen === "checkin";
    if ((screen === "home" || screen === "priority" || screen === "checkin") && changed && !state.busy) goHome();
  }, config.idleS * 1000);
}

function wire() {
  // Touch only: no context menu, no dragging, no pinch zoom, no keyboard shortcuts needed.
  for (const type of ["contextmenu", "dragstart", "selectstart", "gesturestart"]) {
    // The search field keeps its caret and selection (the OS keyboard edits it).
    document.addEventListener(type, (e) => { if (!(e.target instanceof HTMLInputElement)) e.preventDefault(); });
  }
  document.addEventListener("pointerdown", touched, { passive: true });
  $("services").addEventListener("click", onTileTap);
  $("lang").addEventListener("click", () => i18n.toggle());
  $("page-prev").addEventListener("click", () => { state.page -= 1; renderHome(); });
  $("page-next").addEventListener("click", () => { state.page += 1; renderHome(); });
  $("search").addEventListener("input", (event) => { touched(); setQuery(event.target.value); });
  $("search").addEventListener("keydown", (event) => { if (event.key === "Enter") event.target.blur(); });  // the keyboard goes
  $("search-clear").addEventListener("click", () => { setQuery(""); $("search").focus(); });
  $("group-back").addEventListener("click", () => { state.group = null; state.page = 0; hideMessage(); renderHome(); });
  $("priority-open").addEventListener("click", () => show("priority"));
  $("priority-back").addEventListener("click", () => show("home"));
  $("priority-cancel").addEventListener("click", () => { state.priority = null; renderHome(); });
  $("priority-choices").addEventListener("click", (event) => {
    const choice = event.target.closest(".k-choice");
    if (!choice) return;
    state.priority = choice.dataset.category;
    state.page = 0;
    renderHome();
    show("home");
  });
  i18n.onChange(renderAll);
  // Text is fitted to its tiles: again when the screen turns or the font arrives.
  const refit = () => { fitTiles($("services")); fitTiles($("priority-choices")); };
  window.addEventListener("resize", refit);
  document.fonts.ready.then(refit);
}

function start() {
  // Pairing again on an open kiosk is a same-page navigation: take the new token and start over.
  window.addEventListener("hashchange", () => { if (/token=/.test(location.hash) && readToken()) location.reload(); });
  wire();
  i18n.apply();
  renderTop();
  setInterval(renderTop, 5000);
  if (!readToken()) { showPairing("pairing.missing"); return; }
  loadSettings();
  loadServices();
  setInterval(() => { if (body.dataset.screen === "home" && !state.busy) loadServices(); }, SERVICES_REFRESH_MS);
  connectLive();
  touched();
}

start();
