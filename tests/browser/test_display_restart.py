"""The board heals by itself: a server restart and a network loss, in Chromium against a real
`hallq serve`. It comes back to the right picture, says nothing twice, and never reloads."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.display_support import (  # noqa: F401  (fixtures)
    display_hall, expected_clips, open_screen, sound_browser, start_display_hall,
)

RECONNECT_MS = 30000  # the client retries with a backoff of at most 5 s


def test_after_a_server_restart_the_board_comes_back_without_repeating_calls(tmp_path, open_screen):
    hall = start_display_hall(tmp_path)
    try:
        board = open_screen(f"{hall.url}/display")
        screen = open_screen(f"{hall.url}/display/counter/1", 1280, 720)
        first = hall.call(1, "DD")
        second = hall.call(3, "HT")
        board.wait_announced(2)
        board.page.evaluate("window.__samePage = true")
        seq = board.seq()

        hall.server.stop()
        expect(board.page.locator("#offline-mark")).to_be_visible()
        expect(board.page.locator("#offline-mark")).to_contain_text("Mất kết nối")
        expect(screen.page.locator("#offline-mark")).to_be_visible()
        expect(board.page.locator("#hero-number")).to_have_text(second)  # the last picture stays

        hall.server.start()                                  # same port, same database
        expect(board.page.locator("#offline-mark")).to_be_hidden(timeout=RECONNECT_MS)
        expect(screen.page.locator("#offline-mark")).to_be_hidden(timeout=RECONNECT_MS)
        board.page.wait_for_function("window.hallqDisplay.snapshots >= 2")
        expect(board.page.locator("#hero-number")).to_have_text(second)
        expect(board.page.locator(".b-recent__row").first).to_contain_text(first)
        expect(screen.page.locator("#current-number")).to_have_text(first)
        assert board.seq() == seq
        assert board.voice()["queued"] == 0

        third = hall.call(5, "DKKD")                         # seq goes on; said once, next in line
        announced = board.wait_announced(3)
        assert [a["number"] for a in announced] == [first, second, third]
        assert board.voice()["played"] == expected_clips(first, 1) + expected_clips(second, 3) + expected_clips(third, 5)
        assert board.seq() > seq
        assert board.page.evaluate("window.__samePage") is True  # never reloaded
        assert board.errors == [] and screen.errors == []
    finally:
        hall.server.stop()


def test_after_a_network_loss_the_board_says_the_call_it_missed_once_late(display_hall, open_screen):
    """A call made while the board was cut off (a blink of the Wi-Fi, its process killed) comes in the
    snapshot it gets back: shown, and said late, once, since it is moments old (voice-player.js LATE_MS)."""
    board = open_screen(f"{display_hall.url}/display")
    first = display_hall.call(2, "XD")
    board.wait_announced(1)
    board.page.evaluate("window.__samePage = true")

    board.page.context.set_offline(True)
    expect(board.page.locator("#offline-mark")).to_be_visible()
    missed = display_hall.call(8, "LD")                     # while the board is cut off
    board.page.context.set_offline(False)
    expect(board.page.locator("#offline-mark")).to_be_hidden(timeout=RECONNECT_MS)
    expect(board.page.locator("#hero-number")).to_have_text(missed)   # from the snapshot: shown…

    later = display_hall.call(10, "TK")
    announced = board.wait_announced(3)
    assert [a["number"] for a in announced] == [first, missed, later]  # …and said, once
    assert board.voice()["played"] == expected_clips(first, 2) + expected_clips(missed, 8) + expected_clips(later, 10)
    assert board.page.evaluate("window.__samePage") is True
