// The screen above counter n: the counter's number and the ticket it calls or serves, very
// large; its paused or closed state; a flash on every call. Silent unless ?voice=on.

import { flash, startStation } from "./display-station.js";

const $ = (id) => document.getElementById(id);
const number = Number(document.body.dataset.counter);
const state = { counter: null, known: null, services: new Map() };

const station = startStation({
  settings() {},
  snapshot(snap) {
    state.counter = (snap.counters || []).find((c) => c.number === number) || null;
    state.known = Boolean(state.counter);
    state.services = new Map((snap.services || []).map((s) => [s.code, s.name]));
    render();
  },
  event(name, payload) {
    if (payload.counter !== number) return;
    if (name === "counter_changed" && payload.state) {
      state.counter = payload.state;
      render();
    } else if (name === "ticket_called") {
      // The counter_changed that comes with a call may follow it: show the number now.
      const current = state.counter && state.counter.current;
      if (state.counter && (!current || current.number !== payload.number)) {
        state.counter = { ...state.counter, status: "open",
          current: { number: payload.number, service: payload.service, status: "called" } };
      }
      render();
      flash($("current"));
    }
  },
  render,
  announces: (call) => call.counter === number,
}, { voiceDefault: false });
const { i18n } = station;

function pauseText(reason) {
  const key = `pause.${reason}`;
  return i18n.has(key) ? i18n.t(key) : i18n.t("pause.other");
}

function render() {
  const c = state.counter;
  const body = document.body;
  $("counter-name").textContent = c ? i18n.name(c.display_name || c.name) : "";
  if (state.known === false) {
    body.dataset.status = "unknown";
    $("staff").hidden = true;
    $("current-label").textContent = i18n.t("counter.unknown", { counter: number });
    $("current-number").textContent = "";
    $("current-service").textContent = "";
    return;
  }
  const current = c && c.current && (c.current.status === "called" || c.current.status === "serving") ? c.current : null;
  let status = "ready";
  if (current) status = current.status;
  else if (c && c.status === "paused") status = "paused";
  else if (c && c.status === "closed") status = "closed";
  body.dataset.status = status;
  const labels = {
    called: i18n.t("counter.called"), serving: i18n.t("counter.serving"), ready: i18n.t("counter.ready"),
    paused: pauseText(c && c.pause_reason), closed: i18n.t("counter.closed"),
  };
  $("current-label").textContent = labels[status];
  $("current-number").textContent = current ? current.number : "";
  $("current-number").style.setProperty("--chars", current ? Math.max(4, current.number.length) : 4);
  const service = current && state.services.get(current.service);
  $("current-service").textContent = service ? i18n.name(service) : "";
  // "Cán bộ tiếp nhận: Nguyễn Văn Bảo" while someone works here under a full name.
  const staff = c && c.status !== "closed" && c.staff_name ? c.staff_name : "";
  $("staff").textContent = staff ? i18n.t("counter.staff", { name: staff }) : "";
  $("staff").hidden = !staff;
}
