// The message catalog for every station: Vietnamese first, English second.
//
// A catalog is {key: ["vi text", "en text"]}, the same shape as the server's messages.py.
// Texts may hold {name} placeholders. Stations merge COMMON with their own catalog:
//
//   import { createI18n, COMMON } from "/static/i18n.js";
//   const i18n = createI18n([COMMON, KIOSK], { lang: "vi" });
//   i18n.t("wait.minutes", { minutes: 5 });      // "~5 phút"
//   i18n.apply(document);                        // fills [data-i18n="key"] elements
//   i18n.onChange((lang) => render());
//   i18n.setLang("en");
//
// No user-facing text belongs in page scripts or templates except through this catalog.

export const LANGS = ["vi", "en"];

export const COMMON = {
  "offline.title": ["Tạm gián đoạn — vui lòng chờ trong giây lát", "Temporarily unavailable — please wait a moment"],
  "offline.text": ["Đang kết nối lại với hệ thống…", "Reconnecting to the hall system…"],
  "offline.short": ["Mất kết nối — đang thử lại…", "Connection lost — retrying…"],
  "lang.label": ["Chọn ngôn ngữ / Language", "Language / Chọn ngôn ngữ"],
  "wait.none": ["Không phải chờ", "No wait"],
  "wait.no_counter": ["Chưa có quầy mở", "No counter open yet"],
  "wait.minutes": ["~{minutes} phút", "~{minutes} min"],
  "wait.hours": ["~{hours} giờ {minutes} phút", "~{hours} h {minutes} min"],
  "service.waiting": ["Đang chờ: {waiting}", "Waiting: {waiting}"],
  "service.estimate": ["Dự kiến: {wait}", "Estimated: {wait}"],
  "status.waiting": ["Đang chờ", "Waiting"],
  "status.called": ["Đã gọi — mời đến quầy {counter}", "Called — please go to counter {counter}"],
  "status.serving": ["Đang phục vụ tại quầy {counter}", "Being served at counter {counter}"],
  "status.done": ["Đã xong", "Done"],
  "status.no_show": ["Vắng mặt", "Missed (no-show)"],
  "status.cancelled": ["Đã huỷ", "Cancelled"],
  "counter": ["Quầy {counter}", "Counter {counter}"],
  "priority.elderly": ["Người cao tuổi", "Elderly person"],
  "priority.disability": ["Người khuyết tật", "Person with a disability"],
  "priority.pregnant": ["Phụ nữ mang thai", "Pregnant woman"],
  "priority.small_children": ["Người có con nhỏ", "Person with a small child"],
  "priority.other": ["Ưu tiên", "Priority"],
  // The one satisfaction scale (4 = very satisfied), on the tablet, the phone and in reports.
  "score.4": ["Rất hài lòng", "Very satisfied"],
  "score.3": ["Hài lòng", "Satisfied"],
  "score.2": ["Chưa hài lòng", "Not quite satisfied"],
  "score.1": ["Không hài lòng", "Dissatisfied"],
  "error.rate_limited": ["Thao tác quá nhanh, vui lòng chờ giây lát rồi thử lại.", "Too many requests — please wait a moment and try again."],
  "error.service_closed": ["Lĩnh vực này hiện không tiếp nhận hồ sơ.", "This service is not taking tickets now."],
  "error.daily_cap_reached": ["Lĩnh vực này đã hết số trong ngày. Xin mời quay lại vào ngày làm việc tiếp theo.", "This service has given out all its numbers for today. Please come back on the next working day."],
  "error.priority_not_allowed": ["Lĩnh vực này không có số ưu tiên.", "This service has no priority tickets."],
  "error.unknown_service": ["Lĩnh vực này không còn. Vui lòng chọn lĩnh vực khác.", "This service no longer exists. Please choose another."],
  "error.unauthenticated": ["Thiết bị chưa được cấp quyền.", "This device is not authorised."],
  "error.forbidden": ["Thiết bị không có quyền thực hiện thao tác này.", "This device may not do this."],
  "error.not_found": ["Không tìm thấy.", "Not found."],
  "error.busy_try_again": ["Hệ thống đang bận, vui lòng thử lại.", "The hall is busy; please try again."],
  "error.database_busy": ["Hệ thống đang bận, vui lòng thử lại.", "The hall is busy; please try again."],
  "error.network": ["Không kết nối được với hệ thống. Vui lòng thử lại.", "Cannot reach the hall system. Please try again."],
  "error.generic": ["Đã có lỗi xảy ra. Vui lòng thử lại hoặc hỏi cán bộ hướng dẫn.", "Something went wrong. Please try again or ask a staff member."],
};

function fill(text, params) {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** Build a translator over the given catalogs (later ones override earlier keys). */
export function createI18n(catalogs, { lang = "vi", storageKey = null } = {}) {
  const table = Object.assign({}, ...catalogs);
  const listeners = new Set();
  let current = LANGS.includes(lang) ? lang : "vi";
  if (storageKey) {
    try {
      const saved = localStorage.getItem(storageKey);
      if (LANGS.includes(saved)) current = saved;
    } catch { /* private mode: keep the default */ }
  }

  const i18n = {
    get lang() { return current; },

    /** The text of `key` in the current language; the key itself if the catalog lacks it. */
    t(key, params) {
      const entry = table[key];
      if (!entry) return key;
      return fill(entry[current === "en" ? 1 : 0] ?? entry[0], params);
    },

    has(key) { return key in table; },

    /** Add or replace entries, e.g. names that come from config.yaml ({key: ["vi", "en"]}). */
    extend(catalog) { Object.assign(table, catalog); },

    /** A {vi, en} object from the server (service and center names) in the current language. */
    name(obj) {
      if (obj == null) return "";
      if (typeof obj === "string") return obj;
      return obj[current] || obj.vi || obj.en || "";
    },

    /**
     * A human estimate of a wait given in seconds: "~15 phút", "Không phải chờ"; the server's
     * null (no counter serving the service is open) reads "Chưa có quầy mở".
     */
    wait(seconds) {
      if (seconds === null) return i18n.t("wait.no_counter");
      if (seconds === undefined || Number.isNaN(seconds)) return "";
      const minutes = Math.round(seconds / 60);
      if (minutes < 1) return i18n.t("wait.none");
      if (minutes < 60) return i18n.t("wait.minutes", { minutes });
      return i18n.t("wait.hours", { hours: Math.floor(minutes / 60), minutes: minutes % 60 });
    },

    /** The text for an API error code, or the generic one. */
    error(code) {
      const key = `error.${code}`;
      return key in table ? i18n.t(key) : i18n.t("error.generic");
    },

    setLang(lang) {
      if (!LANGS.includes(lang) || lang === current) return;
      current = lang;
      if (storageKey) {
        try { localStorage.setItem(storageKey, lang); } catch { /* ignore */ }
      }
      document.documentElement.lang = lang;
      for (const fn of listeners) fn(lang);
    },

    toggle() { i18n.setLang(current === "vi" ? "en" : "vi"); },

    onChange(fn) { listeners.add(fn); return () => listeners.delete(fn); },

    /** Fill `[data-i18n]` (text) and `[data-i18n-aria-label]` (attribute) under `root`. */
    apply(root = document) {
      for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = i18n.t(el.dataset.i18n);
      for (const el of root.querySelectorAll("[data-i18n-aria-label]")) {
        el.setAttribute("aria-label", i18n.t(el.dataset.i18nAriaLabel));
      }
      for (const el of root.querySelectorAll(".hq-lang [data-lang]")) {
        el.setAttribute("aria-current", String(el.dataset.lang === current));
      }
    },
  };
  document.documentElement.lang = current;
  return i18n;
}

/** Local time "HH:MM" (and the date "dd/mm/yyyy") in a given IANA time zone. */
export function clockText(date, timeZone) {
  const opts = { hour: "2-digit", minute: "2-digit", hour12: false };
  const dateOpts = { day: "2-digit", month: "2-digit", year: "numeric" };
  try {
    return {
      time: new Intl.DateTimeFormat("vi-VN", { ...opts, timeZone }).format(date),
      date: new Intl.DateTimeFormat("vi-VN", { ...dateOpts, timeZone }).format(date),
    };
  } catch {  // an unknown zone: the machine's own
    return { time: new Intl.DateTimeFormat("vi-VN", opts).format(date),
             date: new Intl.DateTimeFormat("vi-VN", dateOpts).format(date) };
  }
}
