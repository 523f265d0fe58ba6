// The rating tablet facing the citizen at counter n (/rating/{n}#token=hqd_…): locked until the
// counter finishes a ticket, then four large faces; thanks; locked again when the server's
// window (rating.unlock_seconds) is over. One rating a ticket, saved the moment a face is
// tapped: a low score then asks for a reason, which amends that rating (PATCH) while the
// server allows it (rating.grace_seconds). A citizen who walks away still leaves the score.

import { api, ApiError, pairedToken } from "/static/api.js";
import { COMMON, createI18n } from "/static/i18n.js";
import { HALL_EVENTS, connectHall } from "/static/live.js";
import { RATING } from "./rating-i18n.js";

const TOKEN_KEY = "hallq.rating.token";
const THANKS_MS = 6000;   // the thank-you stays this long, then the tablet locks
const NOTICE_MS = 5000;   // "already rated" / "too late", then locked

const $ = (id) => document.getElementById(id);
const body = document.body;
const counter = Number(body.dataset.counter);
const i18n = createI18n([COMMON, RATING], { lang: "vi" });
const AMEND_MARGIN_MS = 2000;  // the tablet gives up on a reason a little before the server would
const state = {
  token: readToken(), ticket: null, deadline: 0, total: 1, reasons: [], lowScore: 2, amendMs: 60000,
  score: null, reason: null, sending: false, counterName: null, center: null, services: new Map(),
  staff: null,    // the counter's public state: its staff_name and staff_photo
  rated: new Set(), paired: true,
  saved: null,    // {key, number, until}: this tablet's rating of the ticket, saved at the tap
  saving: null,   // the POST of that rating while it is on its way
};
let lockTimer = null;

function readToken() {
  return pairedToken(TOKEN_KEY);
}

const ticketKey = (t) => `${t.number}|${t.finished_at}`;

// -- screens --------------------------------------------------------------------------------

function show(screen) {
  body.dataset.screen = screen;
  for (const section of document.querySelectorAll(".r-screen")) section.hidden = section.id !== `screen-${screen}`;
  $("countdown").hidden = !(screen === "rate" || screen === "reason");
  if (screen !== "reason") message("");
  render();
}

function message(text) {
  $("message").textContent = text;
  $("message").hidden = !text;
}

function render() {
  i18n.apply();
  $("counter-name").textContent = state.counterName ? i18n.name(state.counterName) : i18n.t("counter", { counter });
  $("center-name").textContent = state.center ? i18n.name(state.center) : "";
  renderStaff();
  $("pairing-text").textContent = i18n.t("pairing.text", { url: `${location.origin}/rating/${counter}` });
  const t = state.ticket;
  if (t) {
    const svc = state.services.get(t.service);
    $("rate-ticket").textContent = i18n.t("rating.ticket", { number: t.number, service: svc ? i18n.name(svc) : t.service });
  }
  if (state.score) $("reason-chosen").textContent = i18n.t("rating.reason.chosen", { score: i18n.t(`score.${state.score}`) });
  renderReasons();
}

/** "Cán bộ tiếp nhận: Nguyễn Văn Bảo" and their photo, while someone works here under a full name. */
function renderStaff() {
  const c = state.staff;
  const name = c && c.status !== "closed" ? c.staff_name : null;
  const photo = name ? c.staff_photo : null;
  $("staff").hidden = !name;
  $("staff-name").textContent = name ? i18n.t("rating.staff", { name }) : "";
  $("staff-photo").hidden = !photo;
  if (photo && $("staff-photo").getAttribute("src") !== photo) $("staff-photo").src = photo;
}

function renderReasons() {
  $("reasons").replaceChildren(...state.reasons.map((r) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "r-reason";
    button.setAttribute("role", "radio");
    button.setAttribute("aria-checked", String(state.reason === r.code));
    button.dataset.reason = r.code;
    button.textContent = i18n.name(r.name);
    return button;
  }));
  $("reason-send").disabled = !state.reason || state.sending;
}

function showPairing(reasonKey, params) {
  state.paired = false;
  lock(false);
  $("pairing-reason").hidden = !reasonKey;
  $("pairing-reason").textContent = reasonKey ? i18n.t(reasonKey, params) : "";
  show("pairing");
}

// -- locked and unlocked ----------------------------------------------------------------

function lock(showScreen = true) {
  clearTimeout(lockTimer);
  state.ticket = null;
  state.score = null;
  state.reason = null;
  state.saved = null;
  state.saving = null;
  $("comment").value = "";
  i18n.setLang("vi");  // the next citizen starts in Vietnamese
  if (showScreen && state.paired) show("locked");
}

function unlock(target) {
  const same = state.ticket && ticketKey(state.ticket) === ticketKey(target.ticket);
  state.ticket = target.ticket;
  state.total = Math.max(1, target.seconds_left);
  state.deadline = Date.now() + target.seconds_left * 1000;
  clearTimeout(lockTimer);
  if (!same || !["rate", "reason"].includes(body.dataset.screen)) {
    state.score = null;
    state.reason = null;
    state.saved = null;
    state.saving = null;
    $("comment").value = "";
    show("rate");
  }
  tick();
}

/** Ask the server what may be rated now: on load, on every finish here, after reconnecting. */
async function check() {
  if (!state.token) { showPairing(null); return; }
  try {
    const target = await api(`counters/${counter}/rating`, { token: state.token, lang: i18n.lang });
    state.paired = true;
    state.reasons = target.reasons || [];
    state.lowScore = target.low_score || 2;
    if (typeof target.amend_seconds === "number") state.amendMs = target.amend_seconds * 1000;
    if (target.ticket && !state.rated.has(ticketKey(target.ticket))) unlock(target);
    else if (amendable()) { /* the citizen is adding a reason to the score this tablet has saved */ }
    else if (["loading", "pairing", "rate", "reason"].includes(body.dataset.screen)) lock();
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) showPairing("pairing.rejected");
    else if (err instanceof ApiError && err.code === "unknown_counter") showPairing("pairing.unknown_counter", { counter });
    else if (body.dataset.screen === "loading") lock();  // no answer: locked until the hall is back
  }
}

/** Is the score saved at the tap still open to a reason or a comment? */
function amendable() {
  if (state.saving) return true;  // its answer (and its ticket_rated event) may come in either order
  return Boolean(state.saved && state.saved.until > Date.now() && state.ticket && state.saved.key === ticketKey(state.ticket));
}

const current = (ticket) => Boolean(state.ticket) && ticketKey(state.ticket) === ticketKey(ticket);

function tick() {
  if (!["rate", "reason"].includes(body.dataset.screen)) return;
  // Before a tap: the server's window to rate. After it: the window to add a reason.
  const [left, total] = state.saved
    ? [state.saved.until - Date.now(), state.amendMs - AMEND_MARGIN_MS]
    : [state.deadline - Date.now(), state.total * 1000];
  $("countdown-bar").style.transform = `scaleX(${Math.max(0, Math.min(1, left / Math.max(1, total)))})`;
  if (left <= 0 && !state.sending && !state.saving) lock();  // the score, if tapped, is saved already
}

// -- rating ---------------------------------------------------------------------------------

function choose(score) {
  if (state.sending || !state.ticket) return;
  state.score = score;
  // A reason is asked for only while the server will still take it (rating.grace_seconds).
  const low = score <= state.lowScore && state.reasons.length > 0 && state.amendMs > AMEND_MARGIN_MS;
  if (state.saved) {  // a second thought: the same rating, a new score
    const amended = amend({ score }, !low);
    if (!low) track(amended);
  } else {
    save(score, !low);
  }
  if (low) {
    state.reason = null;
    show("reason");
  }
}

/** Save the score now (POST), before any reason: nothing is lost if the citizen walks away. */
function save(score, thankAfter) {
  const ticket = state.ticket;
  const asked = Date.now();  // the server's window starts when it saves, at the latest now: never count from the answer
  state.saving = api(`counters/${counter}/rating`, { method: "POST", body: { score }, token: state.token, lang: i18n.lang })
    .then(() => {
      if (!current(ticket)) return true;
      state.rated.add(ticketKey(ticket));
      state.saved = { key: ticketKey(ticket), number: ticket.number, until: asked + state.amendMs - AMEND_MARGIN_MS };
      if (thankAfter) finish(ticket, "rating.thanks.title", "rating.thanks.text", THANKS_MS);
      return true;
    })
    .catch((err) => { failed(err, ticket); return false; })
    .finally(() => { state.saving = null; });
  if (thankAfter) track(state.saving);
  return state.saving;
}

/** Add to the saved rating (PATCH): a reason and a comment, or another score. */
async function amend(changes, thankAfter) {
  const ticket = state.ticket;
  if (state.saving && !(await state.saving)) return;  // the score itself did not get through
  if (!state.saved || !current(ticket)) return;
  try {
    await api(`counters/${counter}/rating`, { method: "PATCH", body: { number: state.saved.number, ...changes },
      token: state.token, lang: i18n.lang });
  } catch (err) {
    // Too late or refused: the score is saved all the same, so the citizen is thanked.
    if (!(err instanceof ApiError && err.code === "nothing_to_amend")) { failed(err, ticket); return; }
  }
  if (thankAfter) finish(ticket, "rating.thanks.title", "rating.thanks.text", THANKS_MS);
}

/** The reason screen's "send": its reason and comment join the score already saved. */
function send() {
  if (state.sending || !state.ticket) return;
  const changes = {};
  if (state.reason) changes.reason = state.reason;
  const comment = $("comment").value.trim();
  if (comment) changes.comment = comment;
  track(amend(changes, true));
}

/** While a call that ends on the thanks screen is on its way, the tablet neither locks nor takes taps. */
async function track(promise) {
  state.sending = true;
  render();
  try { await promise; } finally { state.sending = false; render(); }
}

function failed(err, ticket) {
  const code = err instanceof ApiError ? err.code : "network";
  if (code === "already_rated") finish(ticket, "rating.already", null, NOTICE_MS);
  else if (code === "nothing_to_rate") finish(ticket, "rating.expired", null, NOTICE_MS);
  else if (err instanceof ApiError && (err.status === 401 || err.status === 403)) showPairing("pairing.rejected");
  else {
    if (!state.saved) show("rate");  // nothing was saved: the faces again
    message(i18n.error(code));
  }
}

function finish(ticket, titleKey, textKey, ms) {
  state.rated.add(ticketKey(ticket));
  state.saved = null;
  $("thanks-title").dataset.i18n = titleKey;
  $("thanks-text").dataset.i18n = textKey || "rating.thanks.text";
  $("thanks-text").hidden = !textKey;
  body.dataset.result = titleKey === "rating.thanks.title" ? "thanks" : "notice";
  show("thanks");
  clearTimeout(lockTimer);
  lockTimer = setTimeout(() => lock(), ms);
}

document.querySelector(".r-faces").addEventListener("click", (event) => {
  const face = event.target.closest("[data-score]");
  if (face) choose(Number(face.dataset.score));
});
$("reasons").addEventListener("click", (event) => {
  const button = event.target.closest("[data-reason]");
  if (!button) return;
  state.reason = button.dataset.reason;
  renderReasons();
});
$("reason-send").addEventListener("click", () => send());
$("reason-back").addEventListener("click", () => { state.reason = null; show("rate"); });
$("lang").addEventListener("click", () => i18n.toggle());
i18n.onChange(() => render());
setInterval(tick, 250);

// -- live -----------------------------------------------------------------------------------

connectHall({
  token: state.token,  // the live feed is closed to anonymous clients when the public board is off
  counter,  // with the rating token: only this counter's events (its finishes, ratings and name)
  events: [...HALL_EVENTS, "ticket_finished"],
  onSnapshot(snap) {
    const c = (snap.counters || []).find((x) => x.number === counter);
    state.counterName = c ? c.name : null;
    state.staff = c || null;
    state.center = snap.center ? snap.center.name : null;
    state.services = new Map((snap.services || []).map((s) => [s.code, s.name]));
    render();
    check();  // a finish may have happened while we were away
  },
  onEvent(name, payload) {
    if (payload.counter !== counter) return;
    if (name === "ticket_finished") check();
    else if (name === "ticket_rated" && ["rate", "reason"].includes(body.dataset.screen) && !state.sending) check();
    else if (name === "counter_changed" && payload.state) {
      state.counterName = payload.state.name;
      state.staff = payload.state;
      render();
    }
  },
  onOnline() { $("offline").hidden = true; },
  onOffline() { $("offline").hidden = false; },
});
check();
