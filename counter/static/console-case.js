// The case file a visit became (mã hồ sơ, its outcome, a note), sent with Finish. All optional:
// Finish with the form empty is the one tap it always was. A USB barcode scanner types like a
// keyboard and ends with Enter: a digit typed while the desk has focus starts the code (the
// action keys are letters), and Enter in the field keeps the code and gives the desk its keys back.

const $ = (id) => document.getElementById(id);
const EXAMPLE = "000.00.12.H41-261201-0001";

export function setupCase({ focusDesk }) {
  const form = $("case-form");
  const code = $("case-code");
  const note = $("case-note");
  let forTicket = null;  // the ticket the form is being filled for
  let wasChecked = null;  // the outcome pressed, if it was already chosen (a second press clears it)

  function clear() {
    form.reset();
    code.removeAttribute("aria-invalid");
  }

  form.addEventListener("submit", (event) => event.preventDefault());
  form.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      code.value = code.value.trim();
      focusDesk();
    }
  });
  code.addEventListener("input", () => code.removeAttribute("aria-invalid"));
  form.addEventListener("pointerdown", (event) => {
    const radio = event.target.closest(".c-case__outcome")?.querySelector("input");
    wasChecked = radio && radio.checked ? radio : null;
  });
  form.addEventListener("click", (event) => {
    const radio = event.target.closest(".c-case__outcome")?.querySelector("input");
    if (radio && radio === wasChecked && event.detail > 0) radio.checked = false;
    wasChecked = null;
  });

  return {
    /** Shown while a ticket is at the counter; the next ticket starts with an empty form. */
    render(ticket) {
      const key = ticket ? `${ticket.number}|${ticket.issued_at}` : null;
      if (key !== forTicket) {
        clear();
        forTicket = key;
      }
      form.hidden = !ticket;
      code.placeholder = EXAMPLE;
    },

    /** What Finish sends: only what was given. */
    payload() {
      const body = {};
      const value = code.value.trim();
      const outcome = form.querySelector('input[name="case_outcome"]:checked');
      if (value) body.case_code = value;
      if (outcome) body.outcome = outcome.value;
      if (note.value.trim()) body.note = note.value.trim();
      return body;
    },

    finished() {
      clear();
    },

    /** A refused finish: point at the code when it was the code. */
    refused(err) {
      if (!err || err.code !== "invalid_case_code") return false;
      code.setAttribute("aria-invalid", "true");
      setTimeout(() => { code.focus(); code.select(); }, 0);
      return true;
    },

    /** A digit typed while the desk has focus: a scan (or typing) of a new code. True if taken. */
    capture(event) {
      if (form.hidden || !/^[0-9]$/.test(event.key)) return false;
      event.preventDefault();
      code.value = event.key;
      code.removeAttribute("aria-invalid");
      code.focus();
      return true;
    },
  };
}
