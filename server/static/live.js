// The live connection to the hall: Socket.IO namespace /hall, shared by every station.
//
//   import { connectHall } from "/static/live.js";
//   const hall = connectHall({
//     onSnapshot(snap) { ... },              // on every (re)connect and after each resync
//     onEvent(name, payload) { ... },        // ticket_called, queue_changed, counter_changed, ...
//     onOnline() { ... }, onOffline() { ... } // called on changes only
//   });
//   hall.seq; hall.online; hall.resync(); hall.close();
//
// Guarantees: events reach onEvent in seq order, each once; an event whose seq is not newer
// than what the client already has is ignored; a gap in seq makes the client emit `resync`,
// (a client in a room that gets part of the feed, a phone, a rating tablet, a kiosk, is sent
// each event's `prev_seq`, the seq of the event its room was sent before: a gap there is a
// `prev_seq` newer than what the client has applied, not a seq that skips one),
// whose acknowledgement is the snapshot (events arriving meanwhile are held and applied after
// it). The connection retries forever with backoff; a watchdog pings the server so a dead
// network is noticed within seconds, not after Engine.IO's ~45 s ping timeout.

import { io } from "./vendor/socket.io/socket.io.esm.min.js";

// Every seq'd event of the full feed: a page that listened to fewer would see a false gap and resync.
export const HALL_EVENTS = ["ticket_called", "queue_changed", "counter_changed", "ticket_finished", "ticket_rated",
  "notice_changed", "setup_changed"];

export function connectHall({
  url = "",                 // same origin by default
  namespace = "/hall",
  token = null,             // a device token (or a person's bearer token), sent as the Socket.IO auth
  ticket = null,            // a citizen's ticket token (the phone page), when there is no device token
  counter = null,           // a rating tablet's counter: with a rating token, only that counter's events
  events = HALL_EVENTS,
  onSnapshot = () => {},
  onEvent = () => {},
  onOnline = () => {},
  onOffline = () => {},
  watchdogMs = 10000,       // 0 turns the watchdog off
  resyncTimeoutMs = 8000,
} = {}) {
  const socket = io(url + namespace, {
    // Without either, the connection is anonymous: it gets the public feed while the public
    // board is on, and is refused when it is off. Staff pages are told apart by their cookie.
    auth: token ? (counter != null ? { token, counter } : { token }) : ticket ? { ticket } : undefined,
    reconnection: true,
    reconnectionAttempts: Infinity,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
    randomizationFactor: 0.5,
    timeout: 8000,
  });

  let seq = null;           // the last seq applied; null until the first snapshot
  let online = null;        // null: not known yet
  let resyncing = false;
  let held = [];            // events that arrived while a resync was in flight
  let closed = false;
  let watchdog = null;

  function setOnline(value) {
    if (online === value) return;
    online = value;
    try { (value ? onOnline : onOffline)(); } catch (err) { console.error(err); }
  }

  function applySnapshot(snap) {
    if (!snap || typeof snap.seq !== "number") return;
    // Taken as is, even if lower: the server is the truth (a restored database, say).
    seq = snap.seq;
    try { onSnapshot(snap); } catch (err) { console.error(err); }
  }

  function deliver(name, payload) {
    // A change of the hall's set-up (services, counters) carries a whole snapshot: every page
    // redraws from it as it does after a reconnect, then hears of it like any event.
    if (name === "setup_changed") applySnapshot(payload);
    seq = payload.seq;
    try { onEvent(name, payload); } catch (err) { console.error(err); }
  }

  function resync() {
    if (resyncing || !socket.connected) return;
    resyncing = true;
    socket.timeout(resyncTimeoutMs).emit("resync", {}, (err, snap) => {
      resyncing = false;
      if (err) {  // no answer: the connection is probably dead; reconnecting brings a snapshot
        held = [];
        socket.disconnect().connect();
        return;
      }
      applySnapshot(snap);
      // Held events newer than the snapshot go out in order; a gap left among them is not
      // chased again (that could loop), the next event or reconnect straightens it out.
      const pending = held.sort((a, b) => a[1].seq - b[1].seq);
      held = [];
      for (const [name, payload] of pending) if (seq === null || payload.seq > seq) deliver(name, payload);
    });
  }

  function receive(name, payload) {
    if (!payload || typeof payload.seq !== "number") {
      try { onEvent(name, payload); } catch (err) { console.error(err); }
      return;
    }
    if (resyncing) { held.push([name, payload]); return; }
    if (seq === null) { held.push([name, payload]); resync(); return; }
    if (payload.seq <= seq) return;             // already seen, or covered by a snapshot
    // The event before this one, in this client's room: the one before in the hall, unless it is told.
    const prev = typeof payload.prev_seq === "number" ? payload.prev_seq : payload.seq - 1;
    if (prev > seq) {                           // a gap: fetch the whole picture again
      held.push([name, payload]);
      resync();
      return;
    }
    deliver(name, payload);
  }

  socket.on("connect", () => {
    setOnline(true);
    startWatchdog();
  });
  socket.on("snapshot", (snap) => {
    // Events that came before the snapshot and are newer than it still count, in order.
    const pending = held.filter(([, p]) => typeof p.seq === "number" && p.seq > snap.seq)
      .sort((a, b) => a[1].seq - b[1].seq);
    held = [];
    applySnapshot(snap);
    for (const [name, payload] of pending) receive(name, payload);
  });
  for (const name of events) socket.on(name, (payload) => receive(name, payload));
  socket.on("disconnect", (reason) => {
    stopWatchdog();
    resyncing = false;
    setOnline(false);
    // The client does not retry after a server-side disconnect by itself; we always want to.
    if (reason === "io server disconnect" && !closed) setTimeout(() => socket.connect(), 1000);
  });
  socket.on("connect_error", () => setOnline(false));

  function startWatchdog() {
    stopWatchdog();
    if (!watchdogMs) return;
    watchdog = setInterval(() => {
      if (!socket.connected) return;
      socket.timeout(Math.min(5000, watchdogMs)).emit("ping_hall", {}, (err) => {
        if (err && socket.connected && !closed) {
          setOnline(false);
          socket.disconnect().connect();
        }
      });
    }, watchdogMs);
  }

  function stopWatchdog() {
    if (watchdog) clearInterval(watchdog);
    watchdog = null;
  }

  return {
    socket,
    get seq() { return seq; },
    get online() { return online === true; },
    resync,
    close() {
      closed = true;
      stopWatchdog();
      socket.close();
    },
  };
}
