// The kiosk's check-in of a booking: "Tôi đã đặt lịch", the code on on-screen keys, or a scan.
//
// A USB scanner types like a keyboard and ends with Enter: the keys are gathered on every screen
// (never in the search field, unless what it holds on Enter is a whole code), so a citizen may
// scan without touching anything. POST /tickets {appointment} then issues the ticket as usual.

const ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";  // server/appointments.py: no 0/O, 1/I
const LENGTH = 6;
const SCAN_GAP_MS = 800;  // keys further apart start a new code
const SCANNER_MS = 60;    // a scanner's keys come faster than this; a person's on the search field's keyboard do not
const CODE = new RegExp(`^[${ALPHABET}]{${LENGTH}}$`);
const $ = (id) => document.getElementById(id);

/** A code as typed or scanned: case, spaces and dashes do not matter (as on the server). */
export function cleanCode(text) {
  return String(text).trim().split("/").pop().replace(/[\s-]/g, "").toUpperCase();
}

export class CheckIn {
  /** options: {i18n, show(name), submit(code) -> Promise, busy()} */
  constructor(options) {
    Object.assign(this, options);
    this.code = "";
    this.scanned = "";
    this.lastKey = 0;
    this.fast = 0;         // keys in a row that came as fast as a scanner types
    this.offered = false;  // some service takes bookings: only then is a scan looked for
    this.buildKeys();
    $("checkin-keys").addEventListener("click", (event) => this.onKey(event));
    $("checkin-back").addEventListener("click", () => this.close());
    $("checkin-send").addEventListener("click", () => this.send(this.code));
    $("checkin-open").addEventListener("click", () => this.open());
    document.addEventListener("keydown", (event) => this.onKeyboard(event), true);
  }

  /** Offer the check-in when some service takes bookings. */
  offer(yes) {
    this.offered = yes;
    $("checkin-bar").hidden = !yes;
  }

  buildKeys() {
    const keys = [...ALPHABET].map((ch) => {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "k-key";
      b.dataset.key = ch;
      b.textContent = ch;
      return b;
    });
    for (const [key, label] of [["delete", "kiosk.checkin.delete"], ["clear", "kiosk.checkin.clear"]]) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "k-key k-key--wide";
      b.dataset.key = key;
      b.dataset.i18n = label;
      keys.push(b);
    }
    $("checkin-keys").replaceChildren(...keys);
  }

  open(message = "") {
    this.code = "";
    this.message(message);
    this.render();
    this.show("checkin");
  }

  close() {
    this.code = "";
    this.message("");
    this.show("home");
  }

  render() {
    $("checkin-code").textContent = this.code.padEnd(LENGTH, "·");
    $("checkin-send").disabled = this.code.length !== LENGTH;
  }

  message(text) {
    $("checkin-message").textContent = text;
    $("checkin-message").hidden = !text;
  }

  onKey(event) {
    const key = event.target.closest(".k-key");
    if (!key || this.busy()) return;
    if (key.dataset.key === "delete") this.code = this.code.slice(0, -1);
    else if (key.dataset.key === "clear") this.code = "";
    else if (this.code.length < LENGTH) this.code += key.dataset.key;
    this.message("");
    this.render();
  }

  /** A scanner's keys (or a keyboard's), on any screen. */
  onKeyboard(event) {
    if (!this.offered) return;
    const now = Date.now();
    const gap = now - this.lastKey;
    if (gap > SCAN_GAP_MS) this.scanned = "";
    this.fast = gap < SCANNER_MS ? this.fast + 1 : 1;
    this.lastKey = now;
    const inField = event.target instanceof HTMLInputElement;
    if (event.key === "Enter") {
      // In the search field only a scanner's burst is a code: a word searched for may look like one.
      const typed = inField ? (this.fast > LENGTH ? cleanCode(event.target.value) : "") : cleanCode(this.scanned);
      this.scanned = "";
      if (CODE.test(typed)) {
        event.preventDefault();
        if (inField) { event.target.value = ""; event.target.dispatchEvent(new Event("input")); event.target.blur(); }
        this.send(typed);
      }
      return;
    }
    if (inField) return;  // the search field's own typing
    if (event.key.length === 1) {
      this.scanned += event.key;
      if (this.scanned.length > 200) this.scanned = this.scanned.slice(-200);
    } else if (event.key === "Backspace" && document.body.dataset.screen === "checkin") {
      this.code = this.code.slice(0, -1);
      this.render();
    }
  }

  async send(raw) {
    const code = cleanCode(raw);
    if (this.busy()) return;
    if (!CODE.test(code)) { this.open(this.i18n.t("kiosk.checkin.short")); return; }
    this.code = code;
    const failed = await this.submit(code);
    if (failed) {
      if (document.body.dataset.screen !== "checkin") this.show("checkin");
      this.code = code;
      this.render();
      this.message(failed);
    }
  }
}

/** What the ticket screen says of a check-in: called first (from its slot), or late (a walk-in). */
export function checkInNote(i18n, checkedIn, now = new Date(), timeZone = "Asia/Ho_Chi_Minh") {
  if (!checkedIn) return null;
  if (checkedIn.late) return { kind: "late", text: i18n.t("kiosk.checkin.late", checkedIn) };
  const hhmm = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hour12: false, timeZone }).format(now);
  const early = hhmm < checkedIn.start;
  return { kind: "ok", text: i18n.t(early ? "kiosk.checkin.early" : "kiosk.checkin.ok", checkedIn) };
}
