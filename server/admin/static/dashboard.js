// The live supervisor dashboard (/admin): queues and their longest waits, counters, printers,
// alerts, today's figures. Refreshes GET /api/v1/dashboard when the hall changes (the /hall
// Socket.IO events, debounced) and every 15 s for what the clock moves (waits, idle times).

import { api, ApiError } from "/static/api.js";
import { HALL_EVENTS, connectHall } from "/static/live.js";
import { adminI18n, el, makeFormat, startShell } from "./admin-shell.js";
import { NOTICE, startNoticeForm } from "./notice-form.js";

const DASH = {
  "dash.title": ["Bảng điều khiển", "Dashboard"],
  "dash.updated": ["cập nhật lúc", "updated at"],
  "dash.day": ["Ngày làm việc {day}", "Business day {day}"],
  "dash.alerts": ["Cảnh báo", "Alerts"],
  "dash.today": ["Hôm nay", "Today"],
  "dash.services": ["Hàng chờ theo lĩnh vực", "Queues by service"],
  "dash.counters": ["Quầy", "Counters"],
  "dash.printers": ["Máy in", "Printers"],
  "dash.no_printers": ["Chưa có máy in nào được cấu hình hoặc gắn với ki-ốt.", "No printer is configured or attached to a kiosk."],
  "dash.error": ["Không tải được số liệu — đang thử lại…", "Could not load the figures — retrying…"],
  "kpi.tickets": ["Số phiếu đã cấp", "Tickets issued"],
  "kpi.waiting": ["Đang chờ", "Waiting now"],
  "kpi.served": ["Đã phục vụ", "Served"],
  "kpi.no_shows": ["vắng mặt: {n}", "no-shows: {n}"],
  "kpi.wait_mean": ["Thời gian chờ TB", "Average wait"],
  "kpi.service_mean": ["Thời gian phục vụ TB", "Average service"],
  "kpi.within": ["Gọi trong mục tiêu", "Called within target"],
  "kpi.rating": ["Mức hài lòng TB", "Average satisfaction"],
  "kpi.rating_sub": ["trên thang 1–4", "on a 1–4 scale"],
  "col.service": ["Lĩnh vực", "Service"],
  "col.waiting": ["Đang chờ", "Waiting"],
  "col.longest": ["Chờ lâu nhất", "Longest wait"],
  "col.target": ["Mục tiêu", "Target"],
  "col.served_today": ["Đã phục vụ", "Served"],
  "col.wait_mean": ["Chờ TB", "Avg wait"],
  "col.service_mean": ["Phục vụ TB", "Avg service"],
  "col.within_target": ["Trong mục tiêu", "Within target"],
  "col.counters_open": ["Quầy đang mở", "Open counters"],
  "col.printer": ["Máy in", "Printer"],
  "col.connection": ["Kết nối", "Connection"],
  "col.paper": ["Giấy", "Paper"],
  "col.pending": ["Phiếu chờ in", "Jobs waiting"],
  "col.last_error": ["Lỗi gần nhất", "Last error"],
  "longest.number": ["số {number}", "no. {number}"],
  "counter.serving": ["Đang phục vụ", "Serving"],
  "counter.called": ["Đã gọi", "Called"],
  "counter.idle": ["Đang rảnh", "Idle"],
  "counter.paused": ["Tạm nghỉ", "Paused"],
  "counter.closed": ["Đóng", "Closed"],
  "counter.since": ["từ {time}", "since {time}"],
  "counter.idle_for": ["rảnh từ {time} ({dur})", "idle since {time} ({dur})"],
  "counter.paused_for": ["{reason} · từ {time}", "{reason} · since {time}"],
  "counter.staff": ["Cán bộ: {name}", "Staff: {name}"],
  "counter.nobody": ["Chưa có cán bộ", "Nobody at the counter"],
  "counter.served": ["Đã phục vụ hôm nay: {n}", "Served today: {n}"],
  "counter.ticket_since": ["gọi lúc {called}", "called at {called}"],
  "counter.ticket_started": ["gọi {called} · bắt đầu {started}", "called {called} · started {started}"],
  "printer.online": ["Trực tuyến", "Online"],
  "printer.offline": ["Mất kết nối", "Offline"],
  "printer.unknown": ["Chưa rõ", "Not known yet"],
  "paper.ok": ["Đủ giấy", "OK"],
  "paper.near_end": ["Sắp hết giấy", "Running low"],
  "paper.out": ["Hết giấy", "Out of paper"],
  "paper.unknown": ["Không rõ", "Unknown"],
  "printer.cover_open": ["nắp đang mở", "cover open"],
  "alert.wait_over_target": ["{service}: có công dân đã chờ {wait} (mục tiêu {target}); {waiting} người đang chờ.",
                             "{service}: someone has waited {wait} (target {target}); {waiting} waiting."],
  "alert.wait_over_target.no_counter": ["{service}: chưa có quầy nào mở mà có công dân đã chờ {wait} (mục tiêu {target}); {waiting} người đang chờ.",
                                        "{service}: no counter is open and someone has waited {wait} (target {target}); {waiting} waiting."],
  "alert.sent_to_closed_counter": ["Số {number} ({service}) được chuyển đến quầy {counter} đang {state} và đã chờ {wait} (mục tiêu {target}).",
                                   "Ticket {number} ({service}) was sent to counter {counter}, which is {state}, and has waited {wait} (target {target})."],
  "state.closed": ["đóng", "closed"],
  "state.paused": ["tạm nghỉ", "paused"],
  "printer.of_kiosk": ["Máy in của {kiosk} ({url})", "Kiosk {kiosk}'s printer ({url})"],
  "printer.plain": ["Máy in {url}", "Printer {url}"],
  "alert.printer_offline": ["{printer} mất kết nối.", "{printer} is offline."],
  "alert.printer_agent_offline": ["{printer}: agent trên máy tính của ki-ốt mất kết nối — ki-ốt vẫn cấp số nhưng không in được phiếu.",
                                  "{printer}: the agent on the kiosk's PC is not connected — the kiosk still issues numbers but cannot print."],
  "printer.via_agent": ["qua agent trên máy ki-ốt", "through the kiosk PC's agent"],
  "alert.printer_paper_out": ["{printer} hết giấy — cần thay cuộn giấy.",
                              "{printer} is out of paper — replace the roll."],
  "alert.printer_paper_near_end": ["{printer} sắp hết giấy.", "{printer} is running low on paper."],
  "alert.printer_cover_open": ["{printer} đang mở nắp.", "{printer} has its cover open."],
  "alert.printer_failed": ["{printer} không in được phiếu — xem lỗi gần nhất ở bảng Máy in.",
                           "{printer} could not print — see its last error under Printers."],
};

const i18n = adminI18n({ ...DASH, ...NOTICE });
const fmt = makeFormat(i18n, document.body.dataset.timezone || "Asia/Ho_Chi_Minh");
const $ = (id) => document.getElementById(id);
const REFRESH_MS = 15000;  // the clock-driven parts: longest waits, idle times
const DEBOUNCE_MS = 300;
let data = null;
let timer = null;
let inFlight = false;
let again = false;

const shell = startShell(i18n, {
  role: "supervisor", onReady: start, onLang: () => { if (data) render(data); notice.render(); },
});
const notice = startNoticeForm(i18n, { onLoggedOut: () => shell.loginAgain() });

function start() {
  refresh();
  connectHall({
    events: [...HALL_EVENTS, "ticket_finished"],
    onSnapshot: (snap) => { notice.show(snap.notice); soon(); },
    onEvent: (name, payload) => { if (name === "notice_changed") notice.show(payload.notice); else soon(); },
    onOnline: () => { shell.setLive(true); soon(); },
    onOffline: () => shell.setLive(false),
  });
  setInterval(refresh, REFRESH_MS);
}

/** Many events in a burst (a call is three) make one refresh. */
function soon() {
  clearTimeout(timer);
  timer = setTimeout(refresh, DEBOUNCE_MS);
}

async function refresh() {
  if (inFlight) { again = true; return; }
  inFlight = true;
  try {
    data = await api("dashboard", { lang: i18n.lang });
    $("dash-error").hidden = true;
    render(data);
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) shell.loginAgain();
    else { $("dash-error").textContent = i18n.t("dash.error"); $("dash-error").hidden = false; }
  } finally {
    inFlight = false;
    if (again) { again = false; soon(); }
  }
}

function render(d) {
  document.body.dataset.seq = d.seq;
  $("dash-day").textContent = i18n.t("dash.day", { day: fmt.day(d.day) });
  $("dash-updated").textContent = fmt.time(d.server_time, true);
  $("dash-updated").dateTime = d.server_time;
  renderAlerts(d);
  renderKpis(d);
  renderServices(d);
  renderCounters(d);
  renderPrinters(d);
}

function serviceName(code) {
  const svc = data.services.find((s) => s.code === code);
  return svc ? i18n.name(svc.name) : code;
}

function renderAlerts(d) {
  const box = $("dash-alerts");
  box.replaceChildren(...d.alerts.map((a) => el("p", {
    class: `hq-banner hq-banner--${a.level === "danger" ? "danger" : "warn"} a-alert`, role: "alert",
    dataset: { kind: a.kind, service: a.service || "", printer: a.printer || "", number: a.number || "" },
  }, i18n.t(`alert.${a.kind}${a.no_counter_open ? ".no_counter" : ""}`, {
    service: a.name ? i18n.name(a.name) : a.service, printer: printerLabel(a), waiting: a.waiting,
    wait: fmt.duration(a.longest_wait_s ?? a.waited_s), target: fmt.duration(a.target_wait_s),
    number: a.number, counter: a.counter, state: a.counter_status ? i18n.t(`state.${a.counter_status}`) : "",
  }))));
}

/** "Máy in của kiosk-sanh-a (serial:///dev/ttyUSB0)": supervisors know kiosks by name. */
function printerLabel(a) {
  const url = a.url || a.printer;
  return a.kiosk ? i18n.t("printer.of_kiosk", { kiosk: a.kiosk, url }) : i18n.t("printer.plain", { url });
}

function kpi(id, label, value, sub, level) {
  return el("div", { class: "a-kpi", id, dataset: level ? { level } : {} },
    el("span", { class: "a-kpi__label" }, label),
    el("span", { class: "a-kpi__value" }, value),
    sub ? el("span", { class: "a-kpi__sub" }, sub) : null);
}

function renderKpis(d) {
  const t = d.today;
  $("dash-kpis").replaceChildren(
    kpi("kpi-tickets", i18n.t("kpi.tickets"), fmt.number(t.tickets)),
    kpi("kpi-waiting", i18n.t("kpi.waiting"), fmt.number(t.waiting), null, d.alerts.some((a) => a.kind === "wait_over_target") ? "over" : null),
    kpi("kpi-served", i18n.t("kpi.served"), fmt.number(t.served), i18n.t("kpi.no_shows", { n: fmt.number(t.no_shows) })),
    kpi("kpi-wait", i18n.t("kpi.wait_mean"), fmt.duration(t.wait_mean_s), fmt.mmss(t.wait_mean_s)),
    kpi("kpi-service", i18n.t("kpi.service_mean"), fmt.duration(t.service_mean_s), fmt.mmss(t.service_mean_s)),
    kpi("kpi-within", i18n.t("kpi.within"), fmt.percent(t.within_target_share)),
    kpi("kpi-rating", i18n.t("kpi.rating"), t.rating_mean == null ? i18n.t("none") : fmt.number(t.rating_mean, 2), i18n.t("kpi.rating_sub")),
  );
}

function renderServices(d) {
  const rows = d.services.map((s) => el("tr", { dataset: { service: s.code, level: s.level } },
    el("td", {}, el("span", { class: "a-code" }, s.code), i18n.name(s.name)),
    el("td", { class: "num", dataset: { field: "waiting" } }, fmt.number(s.waiting)),
    el("td", { class: "num", dataset: { field: "longest" } }, s.longest_wait_s == null ? i18n.t("none")
      : `${fmt.duration(s.longest_wait_s)} (${i18n.t("longest.number", { number: s.oldest_number })})`),
    el("td", { class: "num" }, fmt.duration(s.target_wait_s)),
    el("td", { class: "num", dataset: { field: "served" } }, fmt.number(s.served)),
    el("td", { class: "num" }, fmt.mmss(s.wait_mean_s)),
    el("td", { class: "num" }, fmt.mmss(s.service_mean_s)),
    el("td", { class: "num" }, fmt.percent(s.within_target_share)),
    el("td", {}, s.counters_open.length ? s.counters_open.join(", ") : i18n.t("none")),
  ));
  $("dash-services").tBodies[0].replaceChildren(...rows);
}

function counterCard(c, d) {
  let status = c.status;
  if (status === "open") status = c.current ? c.current.status : "idle";
  const chip = { serving: "ok", called: "", idle: "warn", paused: "warn", closed: "off" }[status] ?? "";
  const lines = [];
  if (c.current) {
    lines.push(el("span", { class: "a-counter__number", dataset: { field: "current" } }, c.current.number));
    lines.push(el("span", { class: "a-counter__line" }, serviceName(c.current.service), " · ",
      c.current.started_at
        ? i18n.t("counter.ticket_started", { called: fmt.time(c.current.called_at), started: fmt.time(c.current.started_at) })
        : i18n.t("counter.ticket_since", { called: fmt.time(c.current.called_at) })));
  } else if (status === "idle" && c.idle_since) {
    const idle = (Date.parse(d.server_time) - Date.parse(c.idle_since)) / 1000;
    lines.push(el("span", { class: "a-counter__line", dataset: { field: "idle" } },
      i18n.t("counter.idle_for", { time: fmt.time(c.idle_since), dur: fmt.duration(idle) })));
  } else if (status === "paused") {
    const reason = d.pause_reasons[c.pause_reason] ? i18n.name(d.pause_reasons[c.pause_reason]) : (c.pause_reason || "");
    lines.push(el("span", { class: "a-counter__line", dataset: { field: "paused" } },
      i18n.t("counter.paused_for", { reason, time: fmt.time(c.since) })));
  }
  lines.push(el("span", { class: "a-counter__line", dataset: { field: "staff" } },
    c.staff ? i18n.t("counter.staff", { name: c.staff_name || c.staff }) : i18n.t("counter.nobody")));
  lines.push(el("span", { class: "a-counter__line" }, i18n.t("counter.served", { n: fmt.number(c.served) })));
  return el("article", { class: "a-counter", dataset: { counter: c.number, status } },
    el("div", { class: "a-counter__head" },
      el("span", { class: "a-counter__name" }, i18n.t("counter", { counter: c.number })),
      el("span", { class: `a-chip ${chip ? `a-chip--${chip}` : ""}`, dataset: { field: "status" } }, i18n.t(`counter.${status}`))),
    el("span", { class: "a-counter__services" }, c.services.map(serviceName).join(" · ")),
    ...lines);
}

function renderCounters(d) {
  $("dash-counters").replaceChildren(...d.counters.map((c) => counterCard(c, d)));
}

function connection(p) {
  const state = p.online === true ? "online" : p.online === false || p.last_error ? "offline" : "unknown";
  const chip = { online: "ok", offline: "danger", unknown: "off" }[state];
  return el("span", { class: `a-chip a-chip--${chip}`, dataset: { field: "connection" } }, i18n.t(`printer.${state}`));
}

function renderPrinters(d) {
  $("dash-no-printers").hidden = d.printers.length > 0;
  $("dash-printers").hidden = d.printers.length === 0;
  const rows = d.printers.map((p) => {
    const paper = p.paper || "unknown";
    const paperChip = { ok: "ok", near_end: "warn", out: "danger" }[paper] || "off";
    return el("tr", { dataset: { printer: p.name } },
      el("td", {}, p.kiosk || p.name, el("br"), el("span", { class: "a-note" },
        p.via !== "agent" ? p.url || "" : [p.url, i18n.t("printer.via_agent")].filter((s) => s && s !== "agent").join(" · "))),
      el("td", {}, connection(p)),
      el("td", {}, el("span", { class: `a-chip a-chip--${paperChip}` }, i18n.t(`paper.${paper}`)),
        p.cover_open ? el("span", { class: "a-chip a-chip--danger" }, i18n.t("printer.cover_open")) : null),
      el("td", { class: "num" }, fmt.number(p.pending_jobs ?? 0)),
      el("td", {}, p.last_error || i18n.t("none")));
  });
  $("dash-printers").tBodies[0].replaceChildren(...rows);
}
