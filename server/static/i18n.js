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

import { MESSAGES } from "/static/messages.js";

export const LANGS = ["vi", "en"];

// MESSAGES: the server's catalog (server/messages.py, served as /static/messages.js): every
// `error.{code}`, `priority.{code}`, and the `role_name.*`/`device_name.*` a refusal gives. A
// station adds FOR_CITIZENS or FOR_STAFF from the same module where its readers need other words.
export const COMMON = {
  ...MESSAGES,
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
  // The one satisfaction scale (4 = very satisfied), on the tablet, the phone and in reports.
  "score.4": ["Rất hài lòng", "Very satisfied"],
  "score.3": ["Hài lòng", "Satisfied"],
  "score.2": ["Chưa hài lòng", "Not quite satisfied"],
  "score.1": ["Không hài lòng", "Dissatisfied"],
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

    /**
     * The words for an error: an ApiError (its code, filled with its params) or a code (and params).
     * A code the catalog lacks, or a text whose params are missing, reads as the server's own
     * message when there is one, else the generic text.
     */
    error(what, params) {
      const err = typeof what === "string" ? { code: what } : what || {};
      const values = { ...err.params, ...params };
      let key = `error.${err.code}`;
      if (err.code === "forbidden" && table["error.forbidden"] === MESSAGES["error.forbidden"]) {
        // A refusal that names what it needs, as the server's message() words it (unless the page words it).
        if (values.role && `role_name.${values.role}` in table) {
          key = "error.forbidden.role";
          values.role_name = i18n.t(`role_name.${values.role}`);
        } else if (values.device && `device_name.${values.device}` in table) {
          key = "error.forbidden.device";
          values.device_name = i18n.t(`device_name.${values.device}`);
        }
      }
      const text = key in table ? i18n.t(key, values) : "";
      if (text && !/\{\w+\}/.test(text)) return text;
      return err.message && err.message !== err.code ? err.message : i18n.t("error.generic");
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
