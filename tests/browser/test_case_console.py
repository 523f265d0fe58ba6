"""Case files in Chromium (issue 15): the console's finish form and the search on /admin/integration.

A scanner's burst typed at the desk lands in the case-code field and its Enter gives the desk its
keys back; F finishes with the code and the chosen outcome; the next ticket starts with an empty
form and one tap still finishes it; a wrong code is refused and points at the field. A supervisor
then finds the ticket by a part of its code. Screenshots at the sizes the pages are used at.
"""
from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.support.auth import PASSWORD
from tests.support.hall import service

from .conftest import browser_hall

CODE = "000.00.12.H41-261201-0001"


def test_a_scanned_case_code_is_finished_with_and_found_by_a_supervisor(start_hall, new_page, shots):
    hall = start_hall(browser_hall(
        services=[service("MC", numbers="M###", name="Một cửa")],
        counters=[{"number": 21, "name": {"vi": "Quầy 21 – Một cửa", "en": "Counter 21 – One-stop"}, "services": ["MC"]}]))
    supervisor = hall.auth.supervisor("giamsat")
    first, second, third = (hall.issue("MC") for _ in range(3))

    page = new_page(640, 860)
    errors: list[str] = []  # console errors other than the refused requests' (401 before the login, the 422)

    def console(msg: Any) -> None:
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            errors.append(msg.text)

    page.on("console", console)
    page.goto(f"{hall.url}/counter")
    page.fill("#username", "lan")
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    page.locator("#pick-number").fill("21")
    page.keyboard.press("Enter")
    expect(page.locator("#view-console")).to_be_focused()
    expect(page.locator("#case-form")).to_be_hidden()  # nothing at the counter yet
    page.keyboard.press("n")
    expect(page.locator("#current-number")).to_have_text(first["number"])
    expect(page.locator("#case-form")).to_be_visible()

    page.keyboard.type(CODE + "\n")  # the scanner, at the desk: a digit starts the code, Enter ends it
    expect(page.locator("#case-code")).to_have_value(CODE)
    expect(page.locator("#view-console")).to_be_focused()
    page.get_by_role("radio", name="Trả kết quả").click()
    page.locator("#case-note").fill("Đã trả bản chính")
    page.screenshot(path=str(shots / "console-case-640.png"))
    page.set_viewport_size({"width": 800, "height": 860})
    page.screenshot(path=str(shots / "console-case-800.png"))
    page.locator("#view-console").focus()
    page.keyboard.press("f")
    expect(page.locator("#message")).to_have_text(f"Đã xong số {first['number']} — hồ sơ {CODE}")

    page.keyboard.press("n")  # the next ticket: an empty form, and Finish is one tap
    expect(page.locator("#current-number")).to_have_text(second["number"])
    expect(page.locator("#case-code")).to_have_value("")
    expect(page.locator('input[name="case_outcome"]:checked')).to_have_count(0)
    page.locator('.c-act[data-action="finish"]').click()
    expect(page.locator("#message")).to_have_text(f"Đã xong số {second['number']}")

    page.keyboard.press("n")
    expect(page.locator("#current-number")).to_have_text(third["number"])
    page.locator("#case-code").fill("hồ-sơ-1")
    page.locator('.c-act[data-action="finish"]').click()
    expect(page.locator("#message")).to_contain_text("Mã hồ sơ không hợp lệ")
    expect(page.locator("#case-code")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#case-code")).to_be_focused()
    expect(page.locator("#current-number")).to_have_text(third["number"])  # still here: nothing changed
    page.set_viewport_size({"width": 480, "height": 860})
    page.screenshot(path=str(shots / "console-case-refused-480.png"))
    page.locator("#case-code").fill("")
    page.locator('.c-act[data-action="finish"]').click()
    expect(page.locator("#message")).to_have_text(f"Đã xong số {third['number']}")

    admin = new_page(1366, 768)
    admin.on("console", console)
    admin.goto(f"{hall.url}/admin/integration")
    admin.fill("#admin-username", "giamsat")
    admin.fill("#admin-password", PASSWORD)
    admin.click("#admin-login-submit")
    expect(admin.locator("#case-query")).to_be_focused()
    admin.keyboard.type("h41-2612")
    admin.keyboard.press("Enter")
    row = admin.locator("#case-results tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(first["number"])
    expect(row).to_contain_text("Trả kết quả")
    expect(row).to_contain_text("Đã trả bản chính")
    expect(admin.locator("#hooks-empty")).to_be_visible()
    admin.screenshot(path=str(shots / "admin-integration-1366.png"), full_page=True)
    admin.keyboard.press("Control+a")
    admin.keyboard.type("zz")
    admin.keyboard.press("Enter")
    expect(admin.locator("#int-message")).to_have_text("Hãy nhập ít nhất 3 ký tự của mã hồ sơ.")
    expect(admin.locator("#case-query")).to_have_attribute("aria-invalid", "true")
    admin.keyboard.type("9")
    admin.keyboard.press("Enter")
    expect(admin.locator("#case-empty")).to_have_text("Không có số thứ tự nào mang mã hồ sơ chứa “zz9”.")

    found: Any = hall.server.get("tickets?case_code=H41-261201", token=supervisor).json()
    assert [(f["ticket"]["number"], f["case"]["outcome"]) for f in found] == [(first["number"], "returned")]
    assert page.js_errors == [] and admin.js_errors == [] and errors == [], (page.js_errors, admin.js_errors, errors)
