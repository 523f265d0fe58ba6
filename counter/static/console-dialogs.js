// The console's three choices: transfer (T), pause with a reason (P) and call a given number (C).
// Each is a native <dialog>: it keeps the focus inside, Esc closes it, and a typed answer
// plus Enter is enough (a service code or counter number, a reason's digit, a ticket number).

import { currentTicket, serviceName } from "./console-desk.js";

const $ = (id) => document.getElementById(id);

function choice(text, key, data) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "hq-button hq-button--quiet c-choice";
  Object.assign(button.dataset, data);
  if (key) {
    const kbd = document.createElement("kbd");
    kbd.textContent = key;
    button.append(kbd);
  }
  const label = document.createElement("span");
  label.textContent = text;
  button.append(label);
  return button;
}

function showError(id, text) {
  const box = $(id);
  if (!box) return;
  box.textContent = text || "";
  box.hidden = !text;
}

/**
 * Wire the dialogs. `ctx` gives: state, i18n, act(action, body), afterClose().
 * Returns {open(name)} for the keyboard and the buttons.
 */
export function setupDialogs(ctx) {
  const { state, i18n } = ctx;
  const dialogs = { transfer: $("dlg-transfer"), pause: $("dlg-pause"), call: $("dlg-call"), confirm: $("dlg-confirm") };

  for (const dialog of Object.values(dialogs)) {
    dialog.addEventListener("close", () => ctx.afterClose());
    dialog.addEventListener("click", (event) => {
      if (event.target.closest("[data-close]") || event.target === dialog) dialog.close();
    });
  }

  // -- transfer ------------------------------------------------------------------------
  /** Why a transfer target cannot call the ticket now: "closed", "paused", "no_counter", or null. */
  function stuck(target) {
    if (target.counter) {
      const c = state.counters.get(target.counter);
      return !c || c.status === "closed" ? "closed" : c.status === "paused" ? "paused" : null;
    }
    const open = [...state.counters.values()].some((c) => c.status === "open" && (c.services || []).includes(target.service));
    return open ? null : "no_counter";
  }

  function withNote(button, why) {
    if (!why) return button;
    const note = document.createElement("span");
    note.className = "c-choice__note";
    note.textContent = i18n.t(`transfer.${why}`);
    button.append(note);
    button.dataset.stuck = why;
    return button;
  }

  function fillTransfer() {
    const t = currentTicket(state.counters.get(state.counterNo));
    $("transfer-title").textContent = i18n.t("transfer.title", { number: t ? t.number : "" });
    const services = [...state.services.values()].filter((s) => !t || s.code !== t.service);
    $("transfer-services").replaceChildren(...services.map((s) => withNote(choice(
      `${s.code} — ${i18n.name(s.name)}`, null, { service: s.code }), stuck({ service: s.code }))));
    const counters = [...state.counters.values()].filter((c) => c.number !== state.counterNo)
      .sort((a, b) => a.number - b.number);
    $("transfer-counters").replaceChildren(...counters.map((c) => withNote(choice(
      `${c.number} — ${i18n.name(c.name)}`, null, { counter: String(c.number) }), stuck({ counter: c.number }))));
  }

  let confirming = null;  // the transfer waiting for "transfer anyway"

  /** Transfer now, or first say that nobody can call the ticket there yet (the server accepts it either way). */
  function transferTo(target) {
    dialogs.transfer.close();
    const why = stuck(target);
    if (!why) { ctx.act("transfer", target); return; }
    const t = currentTicket(state.counters.get(state.counterNo));
    const number = t ? t.number : "";
    const name = target.counter ? i18n.t("counter", { counter: target.counter }) : serviceName(state, i18n, target.service);
    confirming = target;
    $("confirm-title").textContent = i18n.t("transfer.confirm_title", { number });
    $("confirm-text").textContent = i18n.t(`transfer.warn_${why}`, { target: name, number });
    i18n.apply(dialogs.confirm);
    dialogs.confirm.showModal();
    $("confirm-go").focus();
  }

  $("confirm-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const target = confirming;
    confirming = null;
    dialogs.confirm.close();
    if (target) ctx.act("transfer", target);
  });
  function backToTransfer() {
    confirming = null;
    if (dialogs.confirm.open) dialogs.confirm.close();
    controls.open("transfer");
  }
  $("confirm-back").addEventListener("click", backToTransfer);
  dialogs.confirm.addEventListener("cancel", (event) => { event.preventDefault(); backToTransfer(); });

  $("transfer-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const value = $("transfer-input").value.trim().toUpperCase();
    if (!value) return;
    if (/^\d+$/.test(value) && state.counters.has(Number(value))) transferTo({ counter: Number(value) });
    else if (state.services.has(value)) transferTo({ service: value });
    else showError("transfer-error", i18n.t("transfer.unknown", { value }));
  });
  $("dlg-transfer").addEventListener("click", (event) => {
    const button = event.target.closest(".c-choice");
    if (!button) return;
    transferTo(button.dataset.counter ? { counter: Number(button.dataset.counter) } : { service: button.dataset.service });
  });

  // -- pause ---------------------------------------------------------------------------
  function fillPause() {
    $("pause-reasons").replaceChildren(...state.settings.pause_reasons.map((r, i) => choice(
      r.name ? i18n.name(r.name) : i18n.t(`pause.${r.code}`), i < 9 ? String(i + 1) : null, { reason: r.code })));
  }

  function pauseFor(reason) {
    dialogs.pause.close();
    ctx.act("pause", { reason });
  }

  dialogs.pause.addEventListener("click", (event) => {
    const button = event.target.closest(".c-choice");
    if (button) pauseFor(button.dataset.reason);
  });
  dialogs.pause.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    const digit = /^Digit([1-9])$|^Numpad([1-9])$/.exec(event.code);
    if (!digit) return;
    const reason = state.settings.pause_reasons[Number(digit[1] || digit[2]) - 1];
    if (!reason) return;
    event.preventDefault();
    pauseFor(reason.code);
  });

  // -- call a given number ---------------------------------------------------------------
  function fillCall() {
    const rows = state.queue ? state.queue.no_shows : [];
    $("call-no-shows").replaceChildren(...rows.map((row) => choice(
      `${row.number} — ${serviceName(state, i18n, row.service)}`, null, { number: row.number })));
  }

  function callNumber(number) {
    dialogs.call.close();
    ctx.act("call", { number });
  }

  $("call-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const value = $("call-input").value.trim().toUpperCase();
    if (value) callNumber(value);
  });
  dialogs.call.addEventListener("click", (event) => {
    const button = event.target.closest(".c-choice");
    if (button) callNumber(button.dataset.number);
  });

  const fill = { transfer: fillTransfer, pause: fillPause, call: fillCall };
  const field = { transfer: "transfer-input", call: "call-input" };

  const controls = {
    open(name) {
      const dialog = dialogs[name];
      if (!dialog || dialog.open) return;
      showError(`${name}-error`, "");
      if (field[name]) $(field[name]).value = "";
      fill[name]();
      i18n.apply(dialog);
      dialog.showModal();
      if (field[name]) $(field[name]).focus();
      else dialog.querySelector(".c-choice")?.focus();
    },
    closeAll() {
      for (const dialog of Object.values(dialogs)) if (dialog.open) dialog.close();
    },
    get anyOpen() { return Object.values(dialogs).some((d) => d.open); },
  };
  return controls;
}
