// The admin pages' shell: login, who is logged in, changing one's password, logout, the language switch, and the
// formatting every admin page shares (dd/mm/yyyy dates, 24-hour times, durations, numbers).
//
//   import { adminI18n, startShell } from "/admin/static/admin-shell.js";
//   const i18n = adminI18n(MY_CATALOG);
//   const shell = startShell(i18n, { role: "supervisor", onReady(me) { ... }, onLang() { ... } });
//   shell.loginAgain();            // after any 401: the login form comes back, saying why
//
// The page needs admin/_nav.html, admin/_login.html and a <main id="admin-main" hidden>.

import { api, ApiError } from "/static/api.js";
import { COMMON, createI18n } from "/static/i18n.js";
import { FOR_STAFF } from "/static/messages.js";
import { PASSWORD, setupPassword } from "/static/password.js";

export const ADMIN = {
  "nav.label": ["Trang quản trị", "Admin pages"],
  "nav.dashboard": ["Bảng điều khiển", "Dashboard"],
  "nav.reports": ["Báo cáo", "Reports"],
  "nav.sites": ["Các trung tâm", "Centers"],
  "nav.hall": ["Thiết lập sảnh", "Hall set-up"],
  "nav.appointments": ["Lịch hẹn", "Appointments"],
  "nav.people": ["Nhân sự & thiết bị", "People & devices"],
  "nav.media": ["Hình ảnh & video", "Images & videos"],
  "nav.integration": ["Tích hợp một cửa", "One-stop integration"],
  "nav.logout": ["Đăng xuất", "Log out"],
  "nav.user": ["{name} · {role}", "{name} · {role}"],
  "role.staff": ["cán bộ", "staff"],
  "role.supervisor": ["giám sát", "supervisor"],
  "role.admin": ["quản trị", "admin"],
  "login.title": ["Đăng nhập", "Log in"],
  "login.why": ["Dành cho cán bộ giám sát và quản trị.", "For supervisors and administrators."],
  "login.expired": ["Phiên đăng nhập đã hết. Vui lòng đăng nhập lại.", "Your session has ended. Please log in again."],
  "page.for.staff": ["Trang này dành cho cán bộ (staff), giám sát viên và quản trị viên.",
                     "This page is for staff, supervisors and administrators."],
  "page.for.supervisor": ["Trang này dành cho giám sát viên (supervisor) và quản trị viên (admin).",
                          "This page is for supervisors (supervisor) and administrators (admin)."],
  "page.for.admin": ["Trang này dành cho quản trị viên (admin).", "This page is for administrators (admin)."],
  "login.forbidden": ["Tài khoản {name} là {role}. Hãy đăng nhập bằng tài khoản có quyền này.",
                      "The account {name} is {role}. Please log in with an account that has this role."],
  "login.back": ["Quay lại {page}", "Back to {page}"],
  "role.staff.a": ["cán bộ (staff)", "staff (staff)"],
  "role.supervisor.a": ["giám sát viên (supervisor)", "a supervisor (supervisor)"],
  "role.admin.a": ["quản trị viên (admin)", "an administrator (admin)"],
  "login.username": ["Tên đăng nhập", "Username"],
  "login.password": ["Mật khẩu", "Password"],
  "login.submit": ["Đăng nhập", "Log in"],
  "live.online": ["Trực tuyến", "Live"],
  "live.offline": ["Mất kết nối — đang thử lại", "Offline — retrying"],
  "dur.seconds": ["{s} giây", "{s} s"],
  "dur.minutes": ["{m} phút", "{m} min"],
  "dur.minutes_seconds": ["{m} phút {s} giây", "{m} min {s} s"],
  "dur.hours": ["{h} giờ {m} phút", "{h} h {m} min"],
  "none": ["—", "—"],
};

const ROLES = ["staff", "supervisor", "admin"];

/**
 * A page's banner (`.a-message`): `say(text, kind)` shows `text` as ok, warn or danger, hides an ok after
 * 6 s and the others after 15 s; an empty text hides it.
 */
/** A DOM element: attrs (class, dataset, text, others as attributes; null/false left out, true an empty value), then children. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "dataset") Object.assign(node.dataset, v);
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const child of children.flat()) if (child != null && child !== "") node.append(child);
  return node;
}

export function banner(box) {
  let timer = null;
  return function say(text, kind = "ok") {
    box.textContent = text;
    box.className = `hq-banner hq-banner--${kind} a-message`;
    box.hidden = !text;
    clearTimeout(timer);
    if (text) timer = setTimeout(() => { box.hidden = true; }, kind === "ok" ? 6000 : 15000);
  };
}

/** An API error in words: the catalog's text for its code and params (server/messages.py). */
export function errorWords(i18n, err) {
  return err instanceof ApiError ? i18n.error(err) : i18n.error("network");
}

/** A page's API calls: a 401 brings the login back (`loginAgain`), other errors are said with `say`. */
export function pageCalls(i18n, say, loginAgain) {
  return async function call(path, options = {}) {
    try {
      return await api(path, { lang: i18n.lang, ...options });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) loginAgain();
      else say(errorWords(i18n, err), "danger");
      throw err;
    }
  };
}

export function adminI18n(...catalogs) {
  return createI18n([COMMON, FOR_STAFF, PASSWORD, ADMIN, ...catalogs], { lang: "vi", storageKey: "hallq-admin-lang" });
}

const $ = (id) => document.getElementById(id);

export function startShell(i18n, { role = "supervisor", onReady = () => {}, onLang = () => {} } = {}) {
  let me = null;
  let started = false;
  const password = setupPassword(i18n, { onEnded: () => { refused = null; loginAgain("login.expired"); } });

  function show(view) {
    document.body.dataset.view = view;
    $("admin-login").hidden = view !== "login";
    $("admin-main").hidden = view !== "main";
  }

  let refused = null;  // who opened a page their role may not open: said on the login form

  /** Only the pages this person's role may open are in the navigation. */
  function renderNav(who) {
    const rank = who && who.kind === "user" ? ROLES.indexOf(who.role) : -1;
    for (const link of document.querySelectorAll(".a-nav [data-role]")) {
      link.hidden = rank < ROLES.indexOf(link.dataset.role);
    }
  }

  function renderWhy(why, params) {
    $("admin-login-why").className = refused ? "hq-banner hq-banner--warn a-message" : "hq-muted";
    if (!refused) {
      $("admin-login-why").textContent = i18n.t(why, params);
      $("admin-login-back").hidden = true;
      return;
    }
    // "Trang này dành cho quản trị viên (admin). Tài khoản lan là giám sát viên (supervisor)…"
    $("admin-login-why").textContent = `${i18n.t(`page.for.${role}`)} ${i18n.t("login.forbidden", {
      name: refused.name, role: i18n.t(`role.${refused.role}.a`) })}`;
    const home = [...document.querySelectorAll(".a-nav [data-role]")].find((link) => !link.hidden);
    $("admin-login-back").hidden = !home;
    if (home) $("admin-login-back-link").textContent = i18n.t("login.back", { page: home.textContent });
    if (home) $("admin-login-back-link").href = home.getAttribute("href");
  }

  let lastWhy = ["login.why", {}];
  function loginAgain(why = "login.why", params = {}) {
    me = null;
    lastWhy = [why, params];
    $("admin-user").hidden = true;
    $("admin-logout").hidden = true;
    $("admin-change-password").hidden = true;
    password.close();
    if (!refused) renderNav(null);
    renderWhy(why, params);
    show("login");
    setTimeout(() => $("admin-username").focus(), 0);
  }

  async function enter() {
    let who;
    try {
      who = await api("me", { lang: i18n.lang });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return loginAgain();
      setTimeout(enter, 3000);  // the server is restarting: try again shortly
      return;
    }
    if (who.kind !== "user" || ROLES.indexOf(who.role) < ROLES.indexOf(role)) {
      refused = who.kind === "user" ? who : null;
      renderNav(who);
      return loginAgain();
    }
    refused = null;
    me = who;
    renderNav(who);
    $("admin-user").textContent = i18n.t("nav.user", { name: who.display_name || who.name, role: i18n.t(`role.${who.role}`) });
    $("admin-user").hidden = false;
    $("admin-logout").hidden = false;
    $("admin-change-password").hidden = false;
    show("main");
    if (!started) {
      started = true;
      onReady(who);
    }
  }

  $("admin-login-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const submit = $("admin-login-submit");
    submit.disabled = true;
    $("admin-login-error").hidden = true;
    try {
      await api("login", { method: "POST", lang: i18n.lang,
        body: { username: $("admin-username").value.trim(), password: $("admin-password").value } });
      $("admin-password").value = "";
      await enter();
    } catch (err) {
      $("admin-login-error").textContent = err instanceof ApiError ? i18n.error(err) : i18n.error("network");
      $("admin-login-error").hidden = false;
    } finally {
      submit.disabled = false;
    }
  });

  $("admin-change-password").addEventListener("click", () => password.open(me && me.name));

  $("admin-logout").addEventListener("click", async () => {
    try { await api("logout", { method: "POST", body: {}, lang: i18n.lang }); } catch { /* gone anyway */ }
    refused = null;
    loginAgain();
  });

  $("admin-lang").addEventListener("click", () => i18n.toggle());
  i18n.onChange(() => {
    i18n.apply(document);
    if (me) $("admin-user").textContent = i18n.t("nav.user", { name: me.display_name || me.name, role: i18n.t(`role.${me.role}`) });
    else renderWhy(...lastWhy);
    onLang();
  });
  i18n.apply(document);
  enter();

  return {
    loginAgain: () => { refused = null; loginAgain("login.expired"); },
    get me() { return me; },
    /** The live indicator in the bar: true, false, or null to hide it. */
    setLive(online) {
      const el = $("admin-live");
      el.hidden = online === null;
      el.dataset.online = String(online);
      $("admin-live-text").textContent = i18n.t(online ? "live.online" : "live.offline");
    },
  };
}

// -- Formatting ----------------------------------------------------------------------------

export function makeFormat(i18n, timeZone) {
  const locale = () => (i18n.lang === "en" ? "en-GB" : "vi-VN");
  const zoned = (opts) => { try { return { ...opts, timeZone }; } catch { return opts; } };
  return {
    /** 1.234 (vi) / 1,234 (en) */
    number(n, digits = 0) {
      if (n == null || Number.isNaN(n)) return i18n.t("none");
      return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(n);
    },
    percent(share, digits = 0) {
      if (share == null) return i18n.t("none");
      return new Intl.NumberFormat(locale(), { style: "percent", maximumFractionDigits: digits, minimumFractionDigits: digits }).format(share);
    },
    /** "12 phút 30 giây", "1 giờ 05 phút" */
    duration(seconds, { precise = false } = {}) {
      if (seconds == null || Number.isNaN(seconds)) return i18n.t("none");
      const s = Math.max(0, Math.round(seconds));
      if (s < 60) return i18n.t("dur.seconds", { s });
      if (s < 3600) {
        const m = Math.floor(s / 60);
        return precise && s % 60 ? i18n.t("dur.minutes_seconds", { m, s: s % 60 }) : i18n.t("dur.minutes", { m: Math.round(s / 60) });
      }
      const h = Math.floor(s / 3600);
      return i18n.t("dur.hours", { h, m: String(Math.round((s % 3600) / 60)).padStart(2, "0") });
    },
    /** "12:30" as minutes:seconds, for tables */
    mmss(seconds) {
      if (seconds == null || Number.isNaN(seconds)) return i18n.t("none");
      const s = Math.max(0, Math.round(seconds));
      const h = Math.floor(s / 3600);
      const mm = Math.floor((s % 3600) / 60);
      const ss = String(s % 60).padStart(2, "0");
      return h ? `${h}:${String(mm).padStart(2, "0")}:${ss}` : `${mm}:${ss}`;
    },
    /** "09:05" (24-hour) in the center's zone */
    time(iso, seconds = false) {
      if (!iso) return i18n.t("none");
      const opts = { hour: "2-digit", minute: "2-digit", hourCycle: "h23", ...(seconds ? { second: "2-digit" } : {}) };
      return new Intl.DateTimeFormat("en-GB", zoned(opts)).format(new Date(iso));
    },
    /** "26/11/2026" from "2026-11-26" (a business day) */
    day(isoDay) {
      if (!isoDay) return i18n.t("none");
      const [y, m, d] = isoDay.split("-");
      return `${d}/${m}/${y}`;
    },
  };
}
