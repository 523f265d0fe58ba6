// The counter editor on /admin/hall: number, names, the counter screen's name, its services as an
// ordered list (add, remove, up, down: the order is the counter's preference), picking and the
// priority ratio. Saving sends POST /counters, or a PATCH with only what changed; leaving a service
// that has people waiting with no counter asks first (would_strand).

import { $, Cancelled, button, changed, clearErrors, el, fillPair, pair, note, send, showRefusal } from "./hall-forms.js";

const PICKING = ["oldest_first", "preference"];

export function setupCounterEditor({ i18n, state, say, onLoggedOut }) {
  const form = $("counter-form");
  const dialog = $("dlg-counter");
  let editing = null;
  let codes = [];  // the services in order

  const serviceName = (code) => {
    const s = state.services.find((x) => x.code === code);
    return s ? `${code} — ${i18n.name(s.name)}` : code;
  };

  function renderServices(focus = null) {
    $("cnt-services").replaceChildren(...codes.map((code, i) => el("li", { class: "h-order__item", dataset: { code } },
      el("span", { class: "h-order__pos", "aria-hidden": "true" }, `${i + 1}.`),
      el("span", { class: "h-order__name" }, serviceName(code)),
      button("↑", { up: code }, { label: i18n.t("cnt.move_up", { name: code }), cls: "h-small" }),
      button("↓", { down: code }, { label: i18n.t("cnt.move_down", { name: code }), cls: "h-small" }),
      button(i18n.t("cnt.remove"), { remove: code }, { label: i18n.t("cnt.remove_one", { name: code }), cls: "h-small" }))));
    for (const [i, li] of [...$("cnt-services").children].entries()) {
      li.querySelector("[data-up]").disabled = i === 0;
      li.querySelector("[data-down]").disabled = i === codes.length - 1;
    }
    $("cnt-services-none").hidden = codes.length > 0;
    const free = state.services.filter((s) => !codes.includes(s.code));
    $("cnt-service-pick").replaceChildren(...free.map((s) => el("option", { value: s.code }, serviceName(s.code))));
    $("cnt-service-pick").disabled = free.length === 0;
    $("cnt-service-add").disabled = free.length === 0;
    if (focus) {  // the same button of the item that moved, or the next sensible place, keeps the keyboard's place
      const target = $("cnt-services").querySelector(focus);
      (target && !target.disabled ? target : $("cnt-service-pick")).focus();
    }
  }

  $("cnt-services").addEventListener("click", (event) => {
    const b = event.target.closest("button");
    if (!b) return;
    const code = b.dataset.up || b.dataset.down || b.dataset.remove;
    const i = codes.indexOf(code);
    if (b.dataset.remove) {
      codes = codes.filter((c) => c !== code);
      const next = codes[Math.min(i, codes.length - 1)];
      renderServices(next ? `[data-remove="${CSS.escape(next)}"]` : "#cnt-service-pick");
      return;
    }
    const j = b.dataset.up ? i - 1 : i + 1;
    if (j < 0 || j >= codes.length) return;
    [codes[i], codes[j]] = [codes[j], codes[i]];
    const again = b.dataset.up ? "up" : "down";
    renderServices(`[data-${again}="${CSS.escape(code)}"]`);
  });

  $("cnt-service-add").addEventListener("click", () => {
    const code = $("cnt-service-pick").value;
    if (!code || codes.includes(code)) return;
    codes = [...codes, code];
    form.querySelector('[data-for="services"]')?.remove();
    renderServices("#cnt-service-add");
  });

  function fillPicking(value) {
    $("cnt-picking").replaceChildren(...PICKING.map((p) => el("option", { value: p }, i18n.t(`picking.${p}`))));
    $("cnt-picking").value = value;
  }

  function open(number = null) {
    editing = number == null ? null : state.counters.find((c) => c.number === number) || null;
    const c = editing || { number: nextNumber(), name: null, display_name: null, services: [], picking: "oldest_first", priority_ratio: null };
    clearErrors(form);
    $("counter-error").hidden = true;
    $("counter-title").textContent = editing ? i18n.t("cnt.title_edit", { number: c.number }) : i18n.t("cnt.title_new");
    $("counter-save").textContent = i18n.t(editing ? "f.save" : "f.create");
    $("cnt-number").value = c.number;
    $("cnt-number").disabled = Boolean(editing);
    fillPair("cnt-name-vi", "cnt-name-en", c.name);
    fillPair("cnt-display-vi", "cnt-display-en", c.display_name);
    $("cnt-name-vi").placeholder = editing ? "" : i18n.t("counter", { counter: c.number });
    codes = [...c.services];
    renderServices();
    fillPicking(c.picking || "oldest_first");
    $("cnt-ratio").value = c.priority_ratio || "";
    i18n.apply(dialog);
    dialog.showModal();
    (editing ? $("cnt-name-vi") : $("cnt-number")).focus();
  }

  function nextNumber() {
    return state.counters.reduce((n, c) => Math.max(n, c.number), 0) + 1;
  }

  function read() {
    return {
      name: pair("cnt-name-vi", "cnt-name-en"),
      display_name: pair("cnt-display-vi", "cnt-display-en"),
      services: codes,
      picking: $("cnt-picking").value,
      priority_ratio: $("cnt-ratio").value.trim().replace(/\s+/g, "") || null,
    };
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    $("counter-error").hidden = true;
    const spec = read();
    const save = $("counter-save");
    save.disabled = true;
    try {
      if (editing) {
        const body = changed(editing, spec);
        if (Object.keys(body).length) {
          await send(i18n, `counters/${editing.number}`, "PATCH", body, (waiting) => ({
            text: i18n.t("strand.counter", { waiting }), go: i18n.t("strand.go_counter") }));
        }
        say(i18n.t("cnt.saved", { number: editing.number }));
      } else {
        const number = Number($("cnt-number").value);
        const body = { number: $("cnt-number").value.trim() === "" ? null : number, ...spec };
        if (!body.name) delete body.name;  // the API names it "Quầy N" / "Counter N"
        await send(i18n, "counters", "POST", body);
        say(i18n.t("cnt.added", { number }));
      }
      dialog.close();
    } catch (err) {
      if (err instanceof Cancelled) note($("counter-error"), i18n.t("strand.cancelled"), "warn");
      else if (err.status === 401) onLoggedOut();
      else showRefusal(i18n, form, $("counter-error"), err);
    } finally {
      save.disabled = false;
    }
  });

  return { open, render: () => dialog.open && renderServices() };
}
