// The console's desk: the current ticket with its ticking times, the action buttons (enabled
// only when they apply), the people waiting for this counter, and the counters to choose from.
// Pure rendering from state.

const $ = (id) => document.getElementById(id);

/** "4:05" or "1:02:09" from seconds. */
export function duration(seconds) {
  const s = Math.max(0, Math.floor(seconds || 0));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

const since = (iso, now) => (iso ? (now - Date.parse(iso)) / 1000 : null);

/** The counter's ticket while it is called or served; null otherwise. */
export function currentTicket(counter) {
  const t = counter && counter.current;
  return t && (t.status === "called" || t.status === "serving") ? t : null;
}

/** Which actions apply now: {action: enabled}; `resume` and `pause` also say which one shows. */
export function applicable(state) {
  const c = state.counters.get(state.counterNo);
  const t = currentTicket(c);
  const paused = Boolean(c && c.status === "paused");
  const called = Boolean(t && t.status === "called");
  // An empty list disables "call next" only while the list is live; offline, the server decides.
  const mayBeWaiting = state.queue === null || state.online === false || state.queue.waiting.length > 0;
  return {
    "call-next": !t && !paused && mayBeWaiting,
    recall: called,
    start: called,
    finish: Boolean(t),
    "no-show": called,
    transfer: Boolean(t),
    pause: !paused,
    resume: paused,
    call: state.settings.allow_call_specific && !t && !paused,
  };
}

function pauseReason(state, i18n, code) {
  const reason = state.settings.pause_reasons.find((r) => r.code === code);
  if (reason && reason.name) return i18n.name(reason.name);
  return i18n.has(`pause.${code}`) ? i18n.t(`pause.${code}`) : i18n.t("pause.other");
}

/** A priority category in words; one the catalog does not know is just "Ưu tiên". */
function priorityText(i18n, category) {
  const key = `priority.${category || "other"}`;
  return i18n.t(i18n.has(key) ? key : "priority.other");
}

export function serviceName(state, i18n, code) {
  const svc = state.services.get(code);
  return svc ? i18n.name(svc.name) : code;
}

/** The top bar: counter name, its status, who is logged in. */
export function renderBar(state, i18n) {
  const c = state.counters.get(state.counterNo);
  const inConsole = document.body.dataset.view === "console";
  $("bar-counter").textContent = inConsole && c ? i18n.name(c.name) : i18n.t("console.title");
  const chip = $("bar-status");
  chip.hidden = !inConsole || !c;
  if (c) {
    chip.dataset.status = c.status;
    chip.textContent = c.status === "paused"
      ? i18n.t("bar.paused", { reason: pauseReason(state, i18n, c.pause_reason) })
      : i18n.t(c.status === "open" ? "bar.open" : "bar.closed");
  }
  $("bar-user").hidden = !state.me;
  $("bar-user").textContent = state.me ? i18n.t("bar.user", { name: state.me.display_name || state.me.name }) : "";
  $("bar-user").title = state.me ? state.me.name : "";  // the login, for whoever needs it
  $("logout").hidden = !state.me;
  $("change-password").hidden = !state.me;
  $("leave").hidden = !inConsole;
  document.title = inConsole && c ? `${i18n.name(c.name)} — hallq` : `${i18n.t("console.title")} — hallq`;
}

/** The current ticket card and the action buttons. */
export function renderDesk(state, i18n) {
  const c = state.counters.get(state.counterNo);
  const t = currentTicket(c);
  const card = $("current");
  card.dataset.status = t ? t.status : "none";
  document.body.dataset.status = c ? c.status : "closed";
  $("current-label").textContent = i18n.t(t ? `current.${t.status}` : "current.none");
  $("current-number").textContent = t ? t.number : "—";
  $("current-service").textContent = t ? serviceName(state, i18n, t.service) : "";
  const badges = [];
  if (t && t.priority) badges.push(priorityText(i18n, t.priority_category));
  if (t && t.appointment) badges.push(i18n.t("queue.appointment"));
  if (t && t.service_issued && t.service_issued !== t.service) {
    badges.push(i18n.t("current.transferred", { service: serviceName(state, i18n, t.service_issued) }));
  }
  $("current-badges").textContent = badges.join(" · ");
  $("current-times").hidden = !t;
  $("t-phase-label").textContent = i18n.t(t && t.status === "serving" ? "current.in_service" : "current.since_call");
  let hint = "";
  if (c && c.status === "paused") hint = i18n.t("current.paused_note", { reason: pauseReason(state, i18n, c.pause_reason) });
  else if (!t) hint = i18n.t("current.none_hint");
  $("current-hint").textContent = hint;
  tickDesk(state);

  const can = applicable(state);
  for (const button of document.querySelectorAll(".c-act[data-action]")) {
    const action = button.dataset.action;
    button.disabled = !can[action];
    if (action === "pause") button.hidden = !can.pause;
    if (action === "resume") button.hidden = !can.resume;
    if (action === "call") button.hidden = !state.settings.allow_call_specific;
  }
  document.body.classList.toggle("is-busy", state.busy);
}

/** The people waiting for this counter, by service and in calling order, and today's no-shows. */
export function renderQueue(state, i18n) {
  const q = state.queue || { waiting: [], no_shows: [], waiting_by_service: {} };
  const c = state.counters.get(state.counterNo);
  const mine = c ? c.services : [];
  const can = applicable(state);

  const counts = $("queue-services");
  counts.replaceChildren();
  const codes = [...mine, ...Object.keys(q.waiting_by_service).filter((code) => !mine.includes(code))];
  for (const code of codes) {
    const li = document.createElement("li");
    li.className = "c-count";
    li.dataset.service = code;
    const n = q.waiting_by_service[code] || 0;
    li.dataset.empty = String(n === 0);
    const name = document.createElement("span");
    name.textContent = serviceName(state, i18n, code);
    const value = document.createElement("strong");
    value.textContent = String(n);
    li.append(name, value);
    counts.append(li);
  }
  $("queue-total").textContent = i18n.t("queue.total", { count: q.waiting.length });

  $("queue-list").replaceChildren(...q.waiting.slice(0, 50).map((row) => queueRow(state, i18n, row, {
    call: can.call, label: "act.call_row", sentHere: row.sent_here,
  })));
  $("queue-empty").hidden = q.waiting.length > 0;
  $("no-shows-title").textContent = i18n.t("queue.no_shows", { count: q.no_shows.length });
  $("no-show-list").replaceChildren(...q.no_shows.map((row) => queueRow(state, i18n, row, {
    call: can.call, label: "act.call_again", noShow: true,
  })));
}

function queueRow(state, i18n, row, { call, label, sentHere = false, noShow = false }) {
  const li = document.createElement("li");
  li.className = "c-row";
  li.dataset.number = row.number;
  const number = document.createElement("span");
  number.className = "c-row__number";
  number.textContent = row.number;
  const info = document.createElement("span");
  info.className = "c-row__info";
  const service = document.createElement("span");
  service.className = "c-row__service";
  service.textContent = serviceName(state, i18n, row.service);
  info.append(service);
  const tags = [];
  if (row.priority) tags.push(["priority", priorityText(i18n, row.priority_category)]);
  if (row.appointment) tags.push(["appointment", i18n.t(row.ahead ? "queue.appointment" : "queue.appointment_early")]);
  if (sentHere) tags.push(["sent", i18n.t("queue.sent_here")]);
  for (const [kind, text] of tags) {
    const tag = document.createElement("span");
    tag.className = `c-tag c-tag--${kind}`;
    tag.textContent = text;
    info.append(tag);
  }
  const waited = document.createElement("span");
  waited.className = "c-row__waited";
  if (!noShow) {
    waited.dataset.waited = String(row.waited_s);
    waited.textContent = i18n.t("queue.waited", { time: duration(row.waited_s) });
  }
  li.append(number, info, waited);
  if (state.settings.allow_call_specific) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "hq-button hq-button--quiet c-row__call";
    button.dataset.call = row.number;
    button.textContent = i18n.t(label);
    button.disabled = !call;
    li.append(button);
  }
  return li;
}

/** Once a second: the times of the current ticket and of the waiting list. */
export function tickDesk(state, i18n = null) {
  const now = Date.now() + state.clockOffsetMs;
  const t = currentTicket(state.counters.get(state.counterNo));
  if (t) {
    const waitedEnd = t.called_at ? Date.parse(t.called_at) : now;
    $("t-waited").textContent = duration((waitedEnd - Date.parse(t.issued_at)) / 1000);
    const phaseStart = t.status === "serving" ? t.started_at : t.called_at;
    $("t-phase").textContent = duration(since(phaseStart, now));
  }
  if (!i18n || !state.queueAt) return;
  const extra = (performance.now() - state.queueAt) / 1000;
  for (const el of document.querySelectorAll("#queue-list [data-waited]")) {
    el.textContent = i18n.t("queue.waited", { time: duration(Number(el.dataset.waited) + extra) });
  }
}

/** The counters to choose from (only the bound one for a bound staff member), and who sits where. */
export function renderPick(state, i18n, only) {
  $("pick-bound").hidden = !only;
  $("pick-bound").textContent = only ? i18n.t("pick.bound", { counter: i18n.t("counter", { counter: only }) }) : "";
  const list = [...state.counters.values()].filter((c) => !only || c.number === only).sort((a, b) => a.number - b.number);
  $("pick-list").replaceChildren(...list.map((c) => {
    const li = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "hq-button hq-button--quiet c-pick__item";
    button.dataset.counter = String(c.number);
    const number = document.createElement("strong");
    number.className = "c-pick__number";
    number.textContent = String(c.number);
    const name = document.createElement("span");
    name.className = "c-pick__name";
    name.textContent = i18n.name(c.name);
    const who = document.createElement("span");
    who.className = "c-pick__who";
    const mine = state.me && c.staff === state.me.name;
    who.textContent = mine ? i18n.t("pick.yours") : c.staff && c.status !== "closed"
      ? i18n.t("pick.taken_by", { staff: c.staff_name || c.staff }) : i18n.t("pick.free");
    button.append(number, name, who);
    li.append(button);
    return li;
  }));
}

/** A banner when someone else took this counter, or it was closed from elsewhere. */
export function renderTaken(state, i18n) {
  const c = state.counters.get(state.counterNo);
  const other = c && c.staff && state.me && c.staff !== state.me.name ? c.staff_name || c.staff : null;
  const closed = c && c.status === "closed";
  $("taken").hidden = !(other || closed);
  $("taken-text").textContent = other ? i18n.t("taken.other", { staff: other }) : closed ? i18n.t("bar.closed") : "";
}
