// The kiosk's ticket screen: the number, the QR code of the status page, the print state,
// and the countdown back to the start.

import { api } from "/static/api.js";
import { qrSvg } from "/static/qr.js";

const POLL_MS = 500;
const POLL_FOR_MS = 15000;

const $ = (id) => document.getElementById(id);

export class TicketScreen {
  /** options: {i18n, token(), returnS, returnFailedS, onDone()} */
  constructor(options) {
    Object.assign(this, options);
    this.ticket = null;
    this.print = null;
    this.timer = null;
    this.pollId = 0;
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
    if (this.print.status === "queued") this.pollPrint();
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
    const box = $("t-print-box");
    box.dataset.status = status;
    box.className = `k-print hq-banner ${failed ? "hq-banner--danger" : status === "printed" ? "hq-banner--ok" : "hq-banner--info"}`;
    $("t-take").textContent = failed ? i18n.t("ticket.print.failed") : i18n.t("ticket.take");
    const key = { queued: "ticket.print.queued", printed: "ticket.print.printed", none: "ticket.print.none",
                  unknown: "ticket.print.unknown" }[status];
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

  /** While the job is queued, ask for the ticket (its `print` field) every 500 ms, up to 15 s. */
  async pollPrint() {
    const id = ++this.pollId;
    const token = this.ticket.token;
    const deadline = Date.now() + POLL_FOR_MS;
    while (id === this.pollId && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      if (id !== this.pollId) return;
      try {
        const data = await api(`tickets/${encodeURIComponent(token)}`, { token: this.token(), timeoutMs: 3000 });
        const print = data && data.print;
        if (print && print.status && print.status !== "queued") {
          this.setPrint(print);
          return;
        }
      } catch { /* the next round tries again; the offline state is shown elsewhere */ }
    }
    if (id === this.pollId && this.print.status === "queued") this.setPrint({ status: "unknown" });
  }

  /** After a failure: print again on this kiosk's printer (the paper may be back). */
  async reprint() {
    const button = $("t-reprint");
    button.disabled = true;
    try {
      const data = await api(`tickets/${encodeURIComponent(this.ticket.token)}/reprint`,
        { method: "POST", body: {}, token: this.token() });
      this.setPrint((data && data.print) || { status: "queued" });
      if (this.print.status === "queued") this.pollPrint();
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
