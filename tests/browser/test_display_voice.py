"""The board's voice in Chromium against a real `hallq serve`: the right clips in the right
order, one announcement at a time, recalls, repeats, Web Speech, and the autoplay switch.

What the board played is read from `window.hallqVoice` (clip URLs in play order and one
record per announcement, with its start and end on the AudioContext clock) and from the
`.ogg` requests the page made.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.display_support import (  # noqa: F401  (fixtures)
    SPEAK_MS, display_config, display_hall, expected_clips, expected_speech, open_screen, paths,
    sound_browser, start_display_hall,
)

# A TV with a Vietnamese Web Speech voice: speechSynthesis replaced before the page runs;
# each utterance "ends" after 300 ms and its text is kept in window.__spoken.
FAKE_SPEECH = """
(() => {
  window.__spoken = [];
  const voice = { name: 'Test Tiếng Việt', lang: 'vi-VN', default: true, localService: true, voiceURI: 'test-vi' };
  const synth = {
    getVoices: () => [voice], speaking: false, pending: false, paused: false,
    speak(u) { window.__spoken.push({ text: u.text, lang: u.lang, voice: u.voice && u.voice.name });
               setTimeout(() => u.onend && u.onend(new Event('end')), 300); },
    cancel() {}, pause() {}, resume() {}, addEventListener() {}, removeEventListener() {},
  };
  Object.defineProperty(window, 'speechSynthesis', { value: synth, configurable: true });
  window.SpeechSynthesisUtterance = class { constructor(text) { this.text = text; } };
})();
"""


LISTEN = """window.__events = [];
window.addEventListener('hallq:announce', (e) => window.__events.push([e.detail.phase, e.detail.number]));"""


def test_a_call_plays_the_chime_then_its_clips_in_order(display_hall, open_screen):
    board = open_screen(f"{display_hall.url}/display", init_script=LISTEN)
    number = display_hall.call(5, "DKKD")
    [said] = board.wait_announced(1)
    assert board.page.evaluate("window.__events") == [["start", number], ["end", number]]
    clips = expected_clips(number, 5)
    assert (said["number"], said["counter"], said["recall"]) == (number, 5, False)
    assert said["clips"] == clips
    assert board.voice()["played"] == clips
    assert said["audioEnd"] > said["audioStart"]
    # Fetched once each, only what the call needs (the chime is fetched ahead, with the settings).
    fetched = paths(board.ogg)
    assert len(fetched) == len(set(fetched))
    assert set(fetched) == set(clips)
    assert board.errors == []


def test_two_quick_calls_are_said_one_after_the_other(display_hall, open_screen):
    board = open_screen(f"{display_hall.url}/display")
    first = display_hall.call(1, "DD")
    second = display_hall.call(9, "TK")  # a letter number: "a, ..."
    one, two = board.wait_announced(2)
    assert (one["number"], two["number"]) == (first, second)
    # Never overlapping: the second starts after the first has ended, on the audio clock
    # and on the page's clock; neither was cut short (each played all its clips).
    assert two["audioStart"] >= one["audioEnd"]
    assert two["startedAt"] >= one["endedAt"]
    assert board.voice()["played"] == expected_clips(first, 1) + expected_clips(second, 9)
    assert board.voice()["skipped"] == [] and board.voice()["errors"] == []


def test_a_recall_announces_again(display_hall, open_screen):
    board = open_screen(f"{display_hall.url}/display")
    number = display_hall.call(2, "XD")
    board.wait_speaking(1)
    display_hall.act(2, "recall")
    one, two = board.wait_announced(2)
    assert [(a["number"], a["counter"], a["recall"]) for a in (one, two)] == [(number, 2, False), (number, 2, True)]
    assert board.voice()["played"] == expected_clips(number, 2) * 2


def test_calls_in_the_snapshot_are_never_announced(display_hall, open_screen):
    before = display_hall.call(4, "HT")          # made before the board opened
    board = open_screen(f"{display_hall.url}/display")
    expect(board.page.locator("#hero-number")).to_have_text(before)
    after = display_hall.call(3, "TP")
    [said] = board.wait_announced(1)
    assert said["number"] == after
    assert board.voice()["played"] == expected_clips(after, 3)


# Make the board miss counter_changed events, as if their packets were lost.
DEAF = """() => {
  const socket = window.hallqDisplay.hall.socket;
  window.__live = socket.listeners('counter_changed')[0];
  window.__missed = 0;
  window.__deaf = () => { window.__missed += 1; };
  socket.off('counter_changed', window.__live);
  socket.on('counter_changed', window.__deaf);
}"""
HEAR = """() => {
  const socket = window.hallqDisplay.hall.socket;
  socket.off('counter_changed', window.__deaf);
  socket.on('counter_changed', window.__live);
}"""


def test_a_resync_never_replays_old_announcements(display_hall, open_screen):
    board = open_screen(f"{display_hall.url}/display")
    number = display_hall.call(6, "XD")
    board.wait_announced(1)
    board.page.evaluate(DEAF)
    display_hall.act(7, "pause", {"reason": "meeting"})  # its counter_changed is lost: a gap
    board.page.wait_for_function("window.__missed >= 1")
    board.page.evaluate(HEAR)
    display_hall.act(7, "resume")                        # the next event shows the gap: resync
    board.page.wait_for_function("window.hallqDisplay.snapshots >= 2")
    expect(board.page.locator("#hero-number")).to_have_text(number)
    later = display_hall.call(2, "XD")
    announced = board.wait_announced(2)
    assert [a["number"] for a in announced] == [number, later]
    assert board.voice()["played"] == expected_clips(number, 6) + expected_clips(later, 2)


# A snapshot from a process a moment behind (several processes, one just killed): it is older
# than the call the board has said, and that process then sends the call again.
BEHIND = """async () => {
  const socket = window.hallqDisplay.hall.socket;
  const call = window.__lastCall;
  const snap = await (await fetch('/api/v1/state')).json();
  snap.seq = call.seq - 1;
  snap.recent_calls = snap.recent_calls.filter((c) => c.seq < call.seq);
  socket.listeners('snapshot').forEach((on) => on(snap));
  socket.listeners('ticket_called').filter((on) => on !== window.__keep).forEach((on) => on(call));
}"""
KEEP = """() => {
  window.__keep = (p) => { window.__lastCall = p; };
  window.hallqDisplay.hall.socket.on('ticket_called', window.__keep);
}"""


def test_a_call_sent_again_after_an_older_snapshot_is_not_said_twice(display_hall, open_screen):
    board = open_screen(f"{display_hall.url}/display")
    board.page.evaluate(KEEP)
    number = display_hall.call(4, "HT")
    board.wait_announced(1)
    board.page.evaluate(BEHIND)
    later = display_hall.call(3, "TP")
    announced = board.wait_announced(2)
    assert [a["number"] for a in announced] == [number, later]
    assert board.voice()["played"] == expected_clips(number, 4) + expected_clips(later, 3)


def test_without_autoplay_the_board_asks_for_a_click_and_then_speaks(display_hall, open_screen, browser):
    # `browser` (tests/browser/conftest.py) runs Chromium without the kiosk-mode autoplay flag.
    board = open_screen(f"{display_hall.url}/display", browser=browser)
    expect(board.page.locator("#sound-overlay")).to_be_visible()
    expect(board.page.locator("#sound-overlay")).to_have_text("Bấm để bật âm thanh")
    assert board.voice()["audio"] == "suspended"
    number = display_hall.call(10, "TK")
    expect(board.page.locator("#hero-number")).to_have_text(number)  # shown at once, said later
    assert board.voice()["played"] == []
    board.page.locator("#sound-overlay").click()
    expect(board.page.locator("#sound-overlay")).to_be_hidden()
    [said] = board.wait_announced(1)
    assert said["number"] == number
    assert board.voice()["played"] == expected_clips(number, 10)


@pytest.fixture(scope="module")
def speech_hall(tmp_path_factory):
    """A hall whose boards use Web Speech and say every call twice."""
    from tests.browser.display_support import start_display_hall as start

    hall = start(tmp_path_factory.mktemp("speech-hall"), display_config(mode="speech", repeat=2))
    yield hall
    hall.server.stop()


def test_speech_mode_reads_the_sentence_with_a_vietnamese_voice(speech_hall, open_screen):
    board = open_screen(f"{speech_hall.url}/display", init_script=FAKE_SPEECH)
    number = speech_hall.call(8, "LD")
    [said] = board.wait_announced(1)
    spoken = board.page.evaluate("window.__spoken")
    assert [s["text"] for s in spoken] == [expected_speech(number, 8)] * 2   # repeat: 2
    assert all(s["voice"] == "Test Tiếng Việt" and s["lang"].startswith("vi") for s in spoken)
    assert said["mode"] == "speech"
    assert board.voice()["played"] == [expected_clips(number, 8)[0]]        # the chime, then speech


def test_speech_mode_without_a_vietnamese_voice_falls_back_to_the_clips(speech_hall, open_screen):
    board = open_screen(f"{speech_hall.url}/display")                       # headless: no voices
    number = speech_hall.call(5, "DKKD")
    [said] = board.wait_announced(1)
    assert said["mode"].startswith("clips")
    assert board.voice()["played"] == expected_clips(number, 5, repeat=2)
