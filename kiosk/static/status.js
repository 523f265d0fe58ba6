// A citizen's ticket on their phone (/t/{token}): status in words, live, and the rating.

import { api, ApiError, Backoff } from "/static/api.js";
import { COMMON, createI18n } from "/static/i18n.js";
import { connectHall } from "/static/live.js";
import { KIOSK } from "./kiosk-i18n.js";

const LANG_KEY = "hallq.status.lang";
const token = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop() || "");
const ratedKey = `hallq.rated.${token}`;
const $ = (id) => document.getElementById(id);

const hadLangChoice = (() => { try { return Boolean(localStorage.getItem(LANG_KEY)); } catch { return false; } })();
const i18n = createI18n([COMMON, KIOSK], { lang: "vi", storageKey: LANG_KEY });
const state = {
  ticket: null, services: new Map(), center: null, missing: false, rated: false, online: true,
  commenting: false,  // rated on this page just now: a comment may follow (the server says how long)
  commented: false,
};

try { state.rated = localStorage.getItem(ratedKey) === "1"; } catch { /* no storage */ }

function view(name) {
  document.body.dataset.view = name;
  for (const section of document.querySelectorAll(".s-view")) section.hidden = section.id !== `view-${name}`;
}

function statusText(t) {
  if (t.status === "waiting" && t.target_counter != null) return i18n.t("status.waiting_counter", { counter: t.target_counter });
  const key = `status.${t.status}`;
  return i18n.has(key) ? i18n.t(key, { counter: t.counter ?? "" }) : t.status;
}

/** Why nobody may call a waiting ticket now: its counter is closed or paused, or no counter is open. */
function stuckNote(t) {
  if (t.status !== "waiting") return "";
  if (t.target_counter != null && t.target_counter_status === "closed") return i18n.t("status.target_closed", { counter: t.target_counter });
  if (t.target_counter != null && t.target_counter_status === "paused") return i18n.t("status.target_paused", { counter: t.target_counter });
  if (t.target_counter == null && t.counters_open === 0) return i18n.t("status.none_open");
  return "";
}

/** The estimate in words; none when no counter may call the ticket (the server sends null then). */
function waitText(t) {
  if (t.estimated_wait_s == null || t.counters_open === 0) return i18n.t("wait.no_counter");
  return i18n.wait(t.estimated_wait_s);
}

function render() {
  i18n.apply();
  $("center-name").textContent = state.center ? i18n.name(state.center) : "";
  if (state.missing) { view("missing"); return; }
  const t = state.ticket;
  if (!t) return;
  view("ticket");
  document.body.dataset.status = t.status;
  $("number").textContent = t.number;
  const service = state.services.get(t.service);
  $("service").textContent = service ? i18n.name(service.name) : t.service;
  $("priority").hidden = !t.priority;
  if (t.priority) {
    const key = `priority.${t.priority_category || "other"}`;
    $("priority").textContent = i18n.t("status.priority", { category: i18n.t(i18n.has(key) ? key : "priority.other") });
  }
  $("status").textContent = statusText(t);
  const note = stuckNote(t);
  $("status-note").textContent = note;
  $("status-note").hidden = !note;
  const waiting = t.status === "waiting";
  const atCounter = (t.status === "called" || t.status === "serving") && t.counter != null;
  $("fact-ahead").hidden = !waiting;
  $("fact-wait").hidden = !waiting;
  $("fact-counter").hidden = !atCounter;
  $("facts").hidden = !waiting && !atCounter;
  $("ahead").textContent = i18n.t("ticket.ahead_value", { count: t.waiting_ahead ?? 0 });
  $("wait").textContent = waitText(t);
  $("counter").textContent = t.counter ?? "";
  const done = t.status === "done";
  $("rating").hidden = !done || state.rated;
  $("rating-thanks").hidden = !done || !state.rated;
  $("comment-form").hidden = !done || !state.commenting;
  $("comment-thanks").hidden = !done || !state.commented;
  document.title = t.status === "called" ? i18n.t("status.go_now", { counter: t.counter }) : `${t.number} · ${statusText(t)}`;
}

function setOnline(online) {
  state.online = online;
  $("offline").hidden = online;
}

// -- fetching ------------------------------------------------------------------------------

const backoff = new Backoff({ minMs: 1000, maxMs: 20000 });
let retryTimer = null;

async function fetchTicket() {
  clearTimeout(retryTimer);
  try {
    const data = await api(`tickets/${encodeURIComponent(token)}`, { lang: i18n.lang });
    const before = state.ticket;
    state.ticket = data.ticket;
    state.missing = false;
    backoff.reset();
    if (!hadLangChoice && !before && data.ticket.lang === "en") i18n.setLang("en");
    if (before && before.status !== "called" && data.ticket.status === "called" && navigator.vibrate) {
      navigator.vibrate([300, 150, 300]);
    }
    if (hall.online) setOnline(true);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      state.missing = true;
    } else if (!(err instanceof ApiError)) {
      setOnline(false);
      retryTimer = setTimeout(fetchTicket, backoff.next());
    }
  }
  render();
}

async function fetchServices() {
  try {
    const services = await api("services", { lang: i18n.lang });
    state.services = new Map(services.map((s) => [s.code, s]));
    render();
  } catch { /* names fall back to codes; the next snapshot brings them */ }
}

let soon = null;
/** Refetch shortly; many phones hear the same event, so spread their requests out a little. */
function refetchSoon(immediate = false) {
  clearTimeout(soon);
  soon = setTimeout(fetchTicket, immediate ? 0 : 150 + Math.random() * 600);
}

function relevant(name, payload) {
  const t = state.ticket;
  if (!t || state.missing) return false;
  // The server sends this page only its ticket's room (docs/api.md, "Rooms"); what is in it
  // and changes what the page shows still decides whether to ask for the ticket again.
  if (name === "ticket_called" || name === "ticket_finished") return payload.number === t.number && payload.service === t.service;
  if (name === "queue_changed") return payload.service === t.service && t.status === "waiting";
  if (name === "counter_changed") {
    if (payload.counter === t.counter || payload.counter === t.target_counter) return true;
    const services = payload.state && payload.state.services;
    return t.status === "waiting" && (!services || services.includes(t.service));
  }
  return false;
}

const hall = connectHall({
  ticket: token,  // this ticket's holder may follow the hall even when the public board is off
  onSnapshot(snap) {
    if (snap.center) state.center = snap.center.name;
    if (Array.isArray(snap.services)) state.services = new Map(snap.services.map((s) => [s.code, s]));
    refetchSoon(true);  // on every (re)connect: whatever happened meanwhile
  },
  onEvent(name, payload) {
    if (relevant(name, payload)) refetchSoon(name === "ticket_called");
  },
  onOnline() { setOnline(true); },
  onOffline() { setOnline(false); },
});

// -- rating ------------------------------------------------------------------------------

async function rate(score) {
  const buttons = document.querySelectorAll(".s-choice");
  for (const b of buttons) b.disabled = true;
  $("rating-error").hidden = true;
  try {
    await api(`tickets/${encodeURIComponent(token)}/rating`, { method: "POST", body: { score }, lang: i18n.lang });
    state.commenting = true;  // saved already; a comment, if any, is added to it
    markRated();
  } catch (err) {
    if (err instanceof ApiError && err.code === "already_rated") {
      markRated();
    } else {
      $("rating-error").textContent = err instanceof ApiError ? i18n.error(err.code) : i18n.error("network");
      $("rating-error").hidden = false;
    }
  } finally {
    for (const b of buttons) b.disabled = false;
  }
}

function markRated() {
  state.rated = true;
  try { localStorage.setItem(ratedKey, "1"); } catch { /* the server remembers anyway */ }
  render();
}

$("comment-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const comment = $("comment").value.trim();
  if (!comment) return;
  $("comment-send").disabled = true;
  $("comment-error").hidden = true;
  try {
    await api(`tickets/${encodeURIComponent(token)}/rating`, { method: "PATCH", body: { comment }, lang: i18n.lang });
    state.commenting = false;
    state.commented = true;
  } catch (err) {
    $("comment-error").textContent = err instanceof ApiError ? i18n.error(err.code) : i18n.error("network");
    $("comment-error").hidden = false;
  } finally {
    $("comment-send").disabled = false;
    render();
  }
});

$("lang").addEventListener("click", () => i18n.toggle());
i18n.onChange(render);
for (const button of document.querySelectorAll(".s-choice")) {
  button.addEventListener("click", () => rate(Number(button.dataset.score)));
}
i18n.apply();
fetchServices();
fetchTicket();
