// A small date picker for dd/mm/yyyy fields: a month grid whose weeks start on Monday.
//
//   attachPicker(input, button, { i18n, onPick(isoDay) {} });
// The input stays a plain text field (typing dd/mm/yyyy works); the button opens the grid.

export function parseDay(text) {
  const m = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$/.exec(text || "");
  if (!m) return null;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return isoOf(date);
}

export function isoOf(date) {
  return date.toISOString().slice(0, 10);
}

export function showDay(iso) {
  if (!iso) return "";
  const [y, m, d] = iso.split("-");
  return `${d}/${m}/${y}`;
}

/** Days as UTC dates, so no time zone ever moves them. */
export function dayDate(iso) {
  const [y, m, d] = iso.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d));
}

export function addDays(iso, n) {
  const date = dayDate(iso);
  date.setUTCDate(date.getUTCDate() + n);
  return isoOf(date);
}

/** Monday of the week holding iso (weeks start on Monday). */
export function monday(iso) {
  const dow = (dayDate(iso).getUTCDay() + 6) % 7;  // Monday 0 … Sunday 6
  return addDays(iso, -dow);
}

const DOW = { vi: ["T2", "T3", "T4", "T5", "T6", "T7", "CN"], en: ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"] };
const MONTH = { vi: (m, y) => `Tháng ${m}/${y}`, en: (m, y) => `${new Date(Date.UTC(y, m - 1, 1)).toLocaleString("en-GB", { month: "long", timeZone: "UTC" })} ${y}` };

export function attachPicker(input, button, { i18n, today, onPick = () => {} }) {
  let panel = null;
  let shown = null;  // the first day of the month on screen

  function close() {
    if (panel) panel.remove();
    panel = null;
    button.setAttribute("aria-expanded", "false");
  }

  function draw() {
    const lang = i18n.lang === "en" ? "en" : "vi";
    const selected = parseDay(input.value);
    const first = dayDate(shown);
    const y = first.getUTCFullYear();
    const m = first.getUTCMonth() + 1;
    const start = monday(shown);
    panel.replaceChildren();
    const head = document.createElement("div");
    head.className = "a-cal__head";
    const prev = navButton("‹", -1);
    const next = navButton("›", 1);
    const title = document.createElement("span");
    title.className = "a-cal__title";
    title.textContent = MONTH[lang](m, y);
    head.append(prev, title, next);
    const grid = document.createElement("div");
    grid.className = "a-cal__grid";
    grid.setAttribute("role", "grid");
    for (const name of DOW[lang]) {
      const cell = document.createElement("span");
      cell.className = "a-cal__dow";
      cell.textContent = name;
      grid.append(cell);
    }
    for (let i = 0; i < 42; i++) {
      const iso = addDays(start, i);
      const day = document.createElement("button");
      day.type = "button";
      day.className = "a-cal__day";
      day.textContent = String(Number(iso.slice(8)));
      day.dataset.day = iso;
      day.dataset.other = String(Number(iso.slice(5, 7)) !== m);
      day.dataset.today = String(iso === today());
      day.setAttribute("aria-selected", String(iso === selected));
      day.setAttribute("aria-label", showDay(iso));
      day.addEventListener("click", () => {
        input.value = showDay(iso);
        close();
        input.focus();
        onPick(iso);
      });
      grid.append(day);
    }
    panel.append(head, grid);
  }

  function navButton(text, step) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "a-button a-button--quiet a-cal__nav";
    b.textContent = text;
    b.addEventListener("click", () => {
      const d = dayDate(shown);
      d.setUTCMonth(d.getUTCMonth() + step);
      shown = isoOf(d);
      draw();
    });
    return b;
  }

  function open() {
    const base = parseDay(input.value) || today();
    shown = `${base.slice(0, 8)}01`;
    panel = document.createElement("div");
    panel.className = "a-cal";
    panel.setAttribute("role", "dialog");
    input.closest(".a-date").append(panel);
    button.setAttribute("aria-expanded", "true");
    draw();
  }

  button.setAttribute("aria-haspopup", "dialog");
  button.addEventListener("click", () => (panel ? close() : open()));
  document.addEventListener("click", (e) => {
    if (panel && !panel.contains(e.target) && e.target !== button && !button.contains(e.target)) close();
  });
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") close(); });
}
