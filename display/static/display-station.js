// What the hall board and the counter screens share: pairing, settings, the live connection,
// the clock, the language, the "Mất kết nối" mark, the sound switch and the flash.
//
// A display never reloads itself: settings are fetched again after every reconnect (the
// server may have restarted with a new config), and the live connection heals on its own.

import { api, ApiError, Backoff, pairedToken, sleep } from "/static/api.js";
import { COMMON, createI18n } from "/static/i18n.js";
import { connectHall } from "/static/live.js";
import { DISPLAY, WEEKDAYS } from "./display-i18n.js";
import { VoicePlayer } from "./voice-player.js";

export const TOKEN_KEY = "hallq.display.token";
const SETTINGS_REFRESH_MS = 5 * 60000;
const ALTERNATE_MS = 20000;  // ?lang=both: Vietnamese, then English, this long each

const $ = (id) => document.getElementById(id);

/** The display token: from `#token=hqd_…` once (then kept in localStorage), else the stored one. */
export function readToken() {
  return pairedToken(TOKEN_KEY);
}

/** Restart a one-shot CSS animation on `el` (class `is-flash`), without a timer per element. */
export function flash(el) {
  if (!el) return;
  el.classList.remove("is-flash");
  void el.offsetWidth;  // a reflow, so that adding the class again restarts the animation
  el.classList.add("is-flash");
}

function onAnimationEnd(event) {
  if (event.animationName.endsWith("-flash")) event.target.classList.remove("is-flash");
}

/**
 * Start a display station. `view` gets:
 *   view.settings(settings)            the display settings (filters, notice, voice, center)
 *   view.snapshot(snap, { first })     a full picture: on connect, reconnect and resync
 *   view.event(name, payload)          a live event, in seq order, each once
 *   view.render()                      the language changed: redraw texts
 *   view.announces(call)               should this ticket_called (or missed recent call) be spoken here?
 * Returns the station: { i18n, voice, token, settings, hall, tickClock }.
 */
export function startStation(view, { voiceDefault = true } = {}) {
  const params = new URLSearchParams(location.search);
  const langParam = (params.get("lang") || "vi").toLowerCase();
  const i18n = createI18n([COMMON, DISPLAY], { lang: langParam === "en" ? "en" : "vi" });
  const voiceParam = (params.get("voice") || (voiceDefault ? "on" : "off")).toLowerCase();
  const token = readToken();
  const body = document.body;
  const station = { i18n, token, voice: null, settings: null, clockOffsetMs: 0, timezone: "Asia/Ho_Chi_Minh" };

  const voice = new VoicePlayer({
    enabled: voiceParam !== "off",
    onAudible(audible) { $("sound-overlay").hidden = audible; },
  });
  station.voice = voice;
  window.hallqVoice = voice.hook;  // for tests and technicians: what was played, in order
  $("sound-overlay").addEventListener("click", () => voice.unlock());
  for (const type of ["pointerdown", "keydown", "touchstart"]) {
    window.addEventListener(type, () => voice.unlock(), { passive: true });
  }
  document.addEventListener("animationend", onAnimationEnd);

  // -- language ---------------------------------------------------------------------------
  function renderTexts() {
    i18n.apply();
    const base = `${location.origin}${location.pathname}`;
    $("pairing-text").textContent = i18n.t("pairing.text", { url: base });
    view.render();
    tickClock(true);
  }
  if (langParam === "both") setInterval(() => i18n.toggle(), ALTERNATE_MS);
  i18n.onChange(renderTexts);

  // -- clock -------------------------------------------------------------------------------
  // The center's time zone, not the TV's; the TV's clock corrected by the server's.
  let lastClock = "";
  let format = null;
  let formatZone = null;
  function tickClock(force = false) {
    const now = new Date(Date.now() + station.clockOffsetMs);
    let parts;
    try {
      if (!format || formatZone !== station.timezone) {
        formatZone = station.timezone;
        format = new Intl.DateTimeFormat("en-GB", {
          timeZone: station.timezone, hour: "2-digit", minute: "2-digit", hour12: false,
          day: "2-digit", month: "2-digit", year: "numeric", weekday: "short",
        });
      }
      parts = Object.fromEntries(format.formatToParts(now).map((p) => [p.type, p.value]));
    } catch {  // an unknown zone: keep the last time shown
      format = null;
      return;
    }
    const key = `${parts.hour}:${parts.minute} ${parts.day} ${i18n.lang}`;
    if (key === lastClock && !force) return;
    lastClock = key;
    const day = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(parts.weekday);
    $("clock-time").textContent = `${parts.hour === "24" ? "00" : parts.hour}:${parts.minute}`;
    $("clock-date").textContent = `${WEEKDAYS[i18n.lang][day] ?? ""}, ${parts.day}/${parts.month}/${parts.year}`;
  }
  setInterval(tickClock, 1000);

  // -- being online ------------------------------------------------------------------------
  let socketOnline = null;
  let httpOnline = true;
  function updateOffline() {
    const offline = socketOnline === false || !httpOnline;
    $("offline-mark").hidden = !offline;
    body.classList.toggle("is-offline", offline);
  }

  function showPairing(reasonKey) {
    body.dataset.state = "pairing";
    $("pairing-reason").dataset.i18n = reasonKey;
    $("pairing-reason").hidden = !reasonKey;
    renderTexts();
  }

  function applySettings(settings) {
    station.settings = settings;
    if (settings.center) station.timezone = settings.center.timezone || station.timezone;
    if (!settings.paired && !settings.public) {
      showPairing(token ? "pairing.rejected" : "pairing.private");
      return false;
    }
    voice.configure(settings.voice || {});
    view.settings(settings);
    if (body.dataset.state !== "live") body.dataset.state = "live";
    renderTexts();
    return true;
  }

  /** GET /display-settings until it answers; a rejected token shows the pairing screen. */
  async function loadSettings() {
    const backoff = new Backoff({ minMs: 1000, maxMs: 15000 });
    for (;;) {
      try {
        const settings = await api("display-settings", { token });
        httpOnline = true;
        updateOffline();
        return applySettings(settings);
      } catch (err) {
        if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
          showPairing("pairing.rejected");
          return false;
        }
        httpOnline = false;
        updateOffline();
        await sleep(backoff.next());
      }
    }
  }

  let hall = null;
  let snapshots = 0;
  // For tests and technicians (devtools): the live state, read-only.
  window.hallqDisplay = {
    get seq() { return hall ? hall.seq : null; },
    get online() { return socketOnline === true && httpOnline; },
    get snapshots() { return snapshots; },
    get hall() { return hall; },
    get settings() { return station.settings; },
  };
  function connect() {
    hall = connectHall({
      token,
      onSnapshot(snap) {
        if (snap.server_time) station.clockOffsetMs = Date.parse(snap.server_time) - Date.now();
        if (snap.center && snap.center.timezone) station.timezone = snap.center.timezone;
        // What a snapshot holds is not spoken, but for calls this board missed moments ago.
        const missed = voice.missed(snap);
        voice.sawSnapshot(snap.seq);
        view.snapshot(snap, { first: snapshots === 0 });
        if (body.dataset.state === "live") {
          for (const call of missed) if (view.announces(call)) voice.enqueue(call, { late: true });
        }
        snapshots += 1;
        tickClock(true);
      },
      onEvent(name, payload) {
        view.event(name, payload);
        if (name === "ticket_called" && body.dataset.state === "live" && view.announces(payload)) voice.enqueue(payload);
        else if (typeof payload.seq === "number") voice.sawSeq(payload.seq);
      },
      onOnline() {
        const wasOffline = socketOnline === false;
        socketOnline = true;
        updateOffline();
        if (wasOffline) loadSettings();  // the server may have restarted with another config
      },
      onOffline() { socketOnline = false; updateOffline(); },
    });
    station.hall = hall;
  }

  // Started on the next tick, so that the page has its `station` before the first render.
  Promise.resolve().then(async () => {
    body.dataset.state = "loading";
    renderTexts();
    // Not paired (or the public board is off): look again now and then, never reload.
    while (!(await loadSettings())) await sleep(60000);
    connect();
    setInterval(() => { if (socketOnline) loadSettings(); }, SETTINGS_REFRESH_MS);
  });

  station.tickClock = tickClock;
  return station;
}
