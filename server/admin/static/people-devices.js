// The devices part of /admin/people: the list with last seen, adding one (its token is shown
// once, with the address that pairs it), revoking one; and the audit log.

const KINDS = ["kiosk", "display", "rating"];
const AUDIT_LIMIT = 50;
const $ = (id) => document.getElementById(id);

/** ctx: {i18n, call, say, cell, button, chip, select, stamp, state} from people.js. */
export function setupDevices(ctx) {
  const { i18n, call, say, cell, button, chip, select, stamp, state } = ctx;
  let list = [];
  let audit = [];
  let shown = null;   // {name, kind, token}: the token on screen, once
  let revoking = null;

  // -- list -------------------------------------------------------------------------------
  async function loadDevices() {
    list = await call("devices");
    renderDevices();
  }

  function renderDevices() {
    $("devices").tBodies[0].replaceChildren(...list.map((d) => {
      const tr = document.createElement("tr");
      tr.dataset.device = d.name;
      tr.dataset.revoked = String(d.revoked);
      const name = document.createElement("strong");
      name.textContent = d.name;
      const actions = d.revoked ? "" : button(i18n.t("device.revoke"), { revoke: d.name });
      tr.append(
        cell(name),
        cell(i18n.t(`device.kind.${d.kind}`)),
        cell(d.printer || i18n.t("none")),
        cell(d.last_seen_at ? stamp(d.last_seen_at) : i18n.t("device.never")),
        cell(chip(i18n.t(d.revoked ? "device.revoked" : "device.active"), d.revoked ? "off" : "ok")),
        cell(actions),
      );
      return tr;
    }));
  }

  // -- adding, and the token shown once --------------------------------------------------
  function fillForm() {
    const kind = $("new-kind").value || "kiosk";
    $("new-kind").replaceChildren(...select(KINDS.map((k) => [k, i18n.t(`device.kind.${k}`)]), kind).options);
    $("new-kind").value = kind;
    const counter = $("token-counter").value;
    $("token-counter").replaceChildren(...select(state.counters.map((c) => [String(c.number), `${c.number} — ${i18n.name(c.name)}`]), counter).options);
    if (counter) $("token-counter").value = counter;
    $("new-printer").disabled = $("new-kind").value !== "kiosk";
  }

  $("new-kind").addEventListener("change", () => { $("new-printer").disabled = $("new-kind").value !== "kiosk"; });

  function pairingUrl() {
    if (!shown) return "";
    const token = encodeURIComponent(shown.token);
    if (shown.kind === "kiosk") return `${location.origin}/kiosk#token=${token}`;
    if (shown.kind === "display") return `${location.origin}/display#token=${token}`;
    return `${location.origin}/rating/${$("token-counter").value}#token=${token}`;
  }

  function renderToken() {
    $("token-box").hidden = !shown;
    if (!shown) {  // wiped, not just hidden
      $("token-value").textContent = "";
      $("token-url").textContent = "";
      $("token-agent").textContent = "";
      return;
    }
    $("token-title").textContent = i18n.t("device.token_title", { name: shown.name });
    $("token-value").textContent = shown.token;
    $("token-counter-field").hidden = shown.kind !== "rating";
    $("token-url").textContent = pairingUrl();
    // A kiosk whose printer is on its own PC: the command that PC runs (docs/kiosk-pc.md).
    $("token-agent-row").hidden = shown.printer !== "agent";
    $("token-agent").textContent = shown.printer === "agent"
      ? `hallq agent --server ${location.origin} --token ${shown.token} --printer usb://VENDOR:PRODUCT` : "";
  }

  $("device-add").addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { name: $("new-device").value.trim(), kind: $("new-kind").value };
    const printer = $("new-printer").value.trim();
    if (printer && body.kind === "kiosk") body.printer = printer;
    let out;
    try {
      out = await call("devices", { method: "POST", body });
    } catch {
      return;
    }
    shown = { name: out.name, kind: out.kind, token: out.token, printer: out.printer };
    const digits = /(\d+)\s*$/.exec(out.name);  // "r5" is probably the tablet of counter 5
    if (digits && state.counters.some((c) => c.number === Number(digits[1]))) $("token-counter").value = digits[1];
    $("device-add").reset();
    fillForm();
    renderToken();
    $("token-box").scrollIntoView({ block: "nearest" });
    await loadDevices();
    loadAudit().catch(() => {});
  });

  $("token-counter").addEventListener("change", renderToken);
  $("token-done").addEventListener("click", () => {
    shown = null;  // gone from the page for good: the server keeps only its hash
    renderToken();
    $("new-device").focus();
  });
  $("token-box").addEventListener("click", async (event) => {
    const b = event.target.closest("[data-copy]");
    if (!b) return;
    try {
      await navigator.clipboard.writeText($(b.dataset.copy).textContent);
      b.textContent = i18n.t("device.copied");
    } catch {  // plain http on the LAN has no clipboard API: select the text instead
      const range = document.createRange();
      range.selectNodeContents($(b.dataset.copy));
      getSelection().removeAllRanges();
      getSelection().addRange(range);
    }
  });

  // -- revoking ---------------------------------------------------------------------------
  $("devices").addEventListener("click", (event) => {
    const b = event.target.closest("[data-revoke]");
    if (!b) return;
    revoking = b.dataset.revoke;
    $("revoke-title").textContent = i18n.t("device.revoke_title", { name: revoking });
    i18n.apply($("dlg-revoke"));
    $("dlg-revoke").showModal();
  });
  $("revoke-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("dlg-revoke").close();
    const name = revoking;
    try {
      await call(`devices/${encodeURIComponent(name)}/revoke`, { method: "POST", body: {} });
    } catch {
      return;
    }
    say(i18n.t("device.revoked_done", { name }));
    await loadDevices();
    loadAudit().catch(() => {});
  });

  // -- the audit log ------------------------------------------------------------------------
  async function loadAudit() {
    audit = await call(`audit?limit=${AUDIT_LIMIT}`);
    renderAudit();
  }

  /** A value in a line: text as is, anything else as short JSON. */
  function inLine(v) {
    if (v === null || v === undefined) return "—";
    const text = typeof v === "object" ? JSON.stringify(v) : String(v);
    return text.length > 80 ? `${text.slice(0, 79)}…` : text;
  }

  /** An entry's detail; a change of a whole thing (a service, a counter) says only what changed in it. */
  function detail(d) {
    if (!d) return "";
    const { before, after, ...rest } = d;
    const parts = Object.entries(rest).map(([k, v]) => `${k}: ${inLine(v)}`);
    const objects = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
    if (objects(before) && objects(after)) {
      for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
        if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) parts.push(`${k}: ${inLine(before[k])} → ${inLine(after[k])}`);
      }
    } else if (before !== undefined || after !== undefined) {
      parts.push(`${inLine(before)} → ${inLine(after)}`);
    }
    return parts.join(", ");
  }

  function renderAudit() {
    $("audit-note").textContent = i18n.t("people.audit_note", { count: audit.length });
    $("audit").tBodies[0].replaceChildren(...audit.map((a) => {
      const tr = document.createElement("tr");
      tr.dataset.action = a.action;
      const key = `audit.${a.action}`;
      tr.append(cell(stamp(a.at)), cell(a.actor), cell(i18n.has(key) ? i18n.t(key) : a.action), cell(a.target || ""),
        cell(detail(a.detail)), cell(a.address || ""));
      return tr;
    }));
  }
  $("audit-refresh").addEventListener("click", () => loadAudit().catch(() => {}));

  return {
    loadDevices, loadAudit, fillForm,
    render() { renderDevices(); renderToken(); renderAudit(); },
  };
}
