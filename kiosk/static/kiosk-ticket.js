// The kiosk's ticket screen: the number, the QR code of the status page, the print state,
// and the countdown back to the start.

import { api } from "/static/api.js";
import { qrSvg } from "/static/qr.js";

const WAIT_FOR_MS = 15000;  // no outcome by then: "unknown" (the citizen has the number and QR anyway)
const CHECK_MS = 500;
const POLL_MS = 3000;      // only while the live connection is down: the outcome is pushed otherwise
const KEEP_PUSHED = 20;    // outcomes that came before the POST's answer

const $ = (id) => document.getElementById(id);

export class TicketScreen {
  /** options: {i18n, token(), online(), returnS, returnFailedS, onDone()} */
  constructor(options) {
    Object.assign(this, options);
    this.ticket = null;
    this.print = null;
    this.timer = null;
    this.pollId = 0;
    this.pushed = new Map();  // ticket token -> the print outcome pushed for it (`ticket_printed`)
    $("t-done").addEventListener("click", () => this.finish());
    $("t-reprint").addEventListener("click", () => this.reprint());
  }

  /** Show an issued ticket; `print` is the POST answer's {status, code?}. */
  show(ticket, print, service) {
    this.ticket = ticket;
    this.service = service;
    this.print = print || { status: "none" };
    this.statusUrl = ticket.status_url || `${location.origin}/t/${encodeURIComponent(ticket.token)}`;
    this.render();
    this.countdown();
    if (this.print.status === "queued") this.awaitPrint();
  }

  /** `ticket_printed` from the server: a job of this kiosk ended (perhaps before the POST answered). */
  printed(payload) {
    if (!payload || !payload.token || !payload.print) return;
    this.pushed.set(payload.token, payload.print);
    while (this.pushed.size > KEEP_PUSHED) this.pushed.delete(this.pushed.keys().next().value);
    if (this.ticket && payload.token === this.ticket.token && this.print.status === "queued") {
      this.pollId += 1;
      this.setPrint(payload.print);
    }
  }

  get active() { return this.ticket !== null; }

  render() {
    const { i18n, ticket } = this;
    if (!ticket) return;
    $("t-number").textContent = ticket.number;
    $("t-service").textContent = this.service ? i18n.name(this.service.name) : ticket.service;
    const band = $("t-priority");
    band.hidden = !ticket.priority;
    if (ticket.priority) band.textContent = this.priorityBand(ticket);
    const ahead = ticket.waiting_ahead ?? 0;
    $("t-ahead").textContent = i18n.t("ticket.ahead_value", { count: ahead });
    $("t-wait").textContent = i18n.wait(ticket.estimated_wait_s) || i18n.t("wait.none");
    const note = this.service && this.service.note ? i18n.name(this.service.note) : "";
    $("t-note").hidden = !note;
    const long = note.length > 120;  // a near-limit note takes room from the number, which stays large
    $("t-note").classList.toggle("is-long", long);
    $("t-note").parentElement.classList.toggle("has-long-note", long);
    $("t-note").parentElement.classList.toggle("has-note", Boolean(note));  // landscape makes room for it
    $("t-note-text").textContent = note;
    $("t-qr").innerHTML = qrSvg(this.statusUrl, { label: i18n.t("ticket.qr_label", { number: ticket.number }) });
    this.renderPrint();
  }

  /** "ƯU TIÊN · Người cao tuổi": the category's name from the hall's config, as on the paper ticket. */
  priorityBand(ticket) {
    const { i18n } = this;
    const key = `priority.${ticket.priority_category}`;
    const name = ticket.priority_name ? i18n.name(ticket.priority_name)
      : ticket.priority_category && i18n.has(key) ? i18n.t(key) : "";
    return name ? i18n.t("ticket.priority_band", { category: name }) : i18n.t("ticket.priority_only");
  }

  renderPrint() {
    const { i18n } = this;
    const { status, code } = this.print;
    const failed = status === "failed";
    // Queued on a printer the kiosk knows is paused (no paper, no agent…): no "take your ticket".
    const paused = status === "queued" && Boolean(this.printerPaused && this.printerPaused());
    const box = $("t-print-box");
    box.dataset.status = status;
    box.dataset.paused = String(paused);
    const tone = failed ? "danger" : status === "printed" ? "ok" : paused ? "warn" : "info";
    box.className = `k-print hq-banner hq-banner--${tone}`;
    $("t-take").textContent = i18n.t(failed ? "ticket.print.failed" : paused ? "ticket.print.paused" : "ticket.take");
    const key = { queued: paused ? "ticket.print.paused_detail" : "ticket.print.queued", printed: "ticket.print.printed",
                  none: "ticket.print.none", unknown: "ticket.print.unknown" }[status];
    $("t-print").textContent = failed ? "" : i18n.t(key || "ticket.print.unknown");
    $("t-print").hidden = failed;
    // Only the catalog's words for the failure's code, in the citizen's language; never the server's
    // text (a printer's raw reason is for supervisors: GET /printers and the log).
    const codeKey = `print.${code}`;
    const reason = failed ? i18n.t(code && i18n.has(codeKey) ? codeKey : "print.failed") : "";
    const detail = $("t-print-detail");
    detail.hidden = !reason;
    detail.textContent = reason;
    $("t-reprint").hidden = !failed;
  }

  /** While the job is queued, wait for its outcome to be pushed, up to 15 s; ask for the
   *  ticket (its `print` field) every few seconds only while the live connection is down. */
  async awaitPrint() {
    const id = ++this.pollId;
    const token = this.ticket.token;
    const deadline = Date.now() + WAIT_FOR_MS;
    let asked = 0;
    const ask = async () => {
      asked = Date.now();
      try {
        const data = await api(`tickets/${encodeURIComponent(token)}`, { token: this.token(), timeoutMs: 3000 });
        return data && data.print;
      } catch { return null; /* the next round tries again; the offline state is shown elsewhere */ }
    };
    const settle = (print) => {
      if (id !== this.pollId || !print || !print.status || print.status === "queued") return false;
      this.setPrint(print);
      return true;
    };
    let missed = false;  // the connection was down for a while: a push may have gone by meanwhile
    while (id === this.pollId && Date.now() < deadline) {
      if (settle(this.pushed.get(token))) return;
      if (!this.online()) {
        missed = true;
        if (Date.now() - asked >= POLL_MS && settle(await ask())) return;
      } else if (missed) {  // back (or just connected): ask once, then the pushes take over
        missed = false;
        if (settle(await ask())) return;
      }
      await new Promise((r) => setTimeout(r, CHECK_MS));
    }
    if (id !== this.pollId || this.print.status !== "queued") return;
    if (settle(this.pushed.get(token)) || settle(await ask())) return;  // once more before giving up
    if (id === this.pollId && this.print.status === "queued") this.setPrint({ status: "unknown" });
  }

  /** After a failure: print again on this kiosk's printer (the paper may be back). */
  async reprint() {
    const button = $("t-reprint");
    button.disabled = true;
    this.pushed.delete(this.ticket.token);  // the earlier job's outcome is not the reprint's
    try {
      const data = await api(`tickets/${encodeURIComponent(this.ticket.token)}/reprint`,
        { method: "POST", body: {}, token: this.token() });
      this.setPrint((data && data.print) || { status: "queued" });
      if (this.print.status === "queued") this.awaitPrint();
    } catch { /* the failure stays on screen; the citizen still has the number and QR */ }
    finally { button.disabled = false; }
  }

  setPrint(print) {
    const was = this.print.status;
    this.print = print;
    this.renderPrint();
    // From the outcome on (a failure keeps the number and QR longer); not again for the same one.
    if (print.status === "queued" || print.status !== was) this.countdown();
  }

  /** While the ticket is printing the screen stays (the citizen waits for the paper, and a
   *  failure must still find them here); the countdown back to the start runs once it is out. */
  countdown() {
    if (this.print.status !== "queued") {
      this.startCountdown();
      return;
    }
    clearInterval(this.timer);
    $("t-countdown").textContent = this.i18n.t("ticket.back_in", { seconds: this.returnS });
  }

  startCountdown() {
    clearInterval(this.timer);
    let left = this.print.status === "failed" ? this.returnFailedS : this.returnS;
    const tick = () => {
      $("t-countdown").textContent = this.i18n.t("ticket.back_in", { seconds: left });
      if (left <= 0) this.finish();
      left -= 1;
    };
    tick();
    this.timer = setInterval(tick, 1000);
  }

  /** Any touch on the ticket screen gives the citizen the full time again. */
  touched() {
    if (this.active) this.countdown();
  }

  finish() {
    if (!this.active) return;
    clearInterval(this.timer);
    this.pollId += 1;
    this.ticket = null;
    $("t-qr").replaceChildren();
    this.onDone();
  }
}
