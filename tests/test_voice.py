"""The hall voice: Vietnamese number reading, the clips it plays, and the default voice pack."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from voice.announce import announce, counter_clips, ticket_clips
from voice.clips import DEFAULT_TEMPLATES, VI_LETTER_NAMES, vocabulary
from voice.numbers import digit_words_vi, number_words_en, number_words_vi

PACK = Path(__file__).resolve().parents[1] / "display" / "static" / "voice" / "vi-espeak"
URL = "/display/static/voice/vi-espeak/"

# Hand-written, one line per number: what a caller says, not what the code computes.
ZERO_TO_99 = """
0 không|1 một|2 hai|3 ba|4 bốn|5 năm|6 sáu|7 bảy|8 tám|9 chín
10 mười|11 mười một|12 mười hai|13 mười ba|14 mười bốn|15 mười lăm|16 mười sáu|17 mười bảy
18 mười tám|19 mười chín
20 hai mươi|21 hai mươi mốt|22 hai mươi hai|23 hai mươi ba|24 hai mươi tư|25 hai mươi lăm
26 hai mươi sáu|27 hai mươi bảy|28 hai mươi tám|29 hai mươi chín
30 ba mươi|31 ba mươi mốt|32 ba mươi hai|33 ba mươi ba|34 ba mươi tư|35 ba mươi lăm
36 ba mươi sáu|37 ba mươi bảy|38 ba mươi tám|39 ba mươi chín
40 bốn mươi|41 bốn mươi mốt|42 bốn mươi hai|43 bốn mươi ba|44 bốn mươi tư|45 bốn mươi lăm
46 bốn mươi sáu|47 bốn mươi bảy|48 bốn mươi tám|49 bốn mươi chín
50 năm mươi|51 năm mươi mốt|52 năm mươi hai|53 năm mươi ba|54 năm mươi tư|55 năm mươi lăm
56 năm mươi sáu|57 năm mươi bảy|58 năm mươi tám|59 năm mươi chín
60 sáu mươi|61 sáu mươi mốt|62 sáu mươi hai|63 sáu mươi ba|64 sáu mươi tư|65 sáu mươi lăm
66 sáu mươi sáu|67 sáu mươi bảy|68 sáu mươi tám|69 sáu mươi chín
70 bảy mươi|71 bảy mươi mốt|72 bảy mươi hai|73 bảy mươi ba|74 bảy mươi tư|75 bảy mươi lăm
76 bảy mươi sáu|77 bảy mươi bảy|78 bảy mươi tám|79 bảy mươi chín
80 tám mươi|81 tám mươi mốt|82 tám mươi hai|83 tám mươi ba|84 tám mươi tư|85 tám mươi lăm
86 tám mươi sáu|87 tám mươi bảy|88 tám mươi tám|89 tám mươi chín
90 chín mươi|91 chín mươi mốt|92 chín mươi hai|93 chín mươi ba|94 chín mươi tư|95 chín mươi lăm
96 chín mươi sáu|97 chín mươi bảy|98 chín mươi tám|99 chín mươi chín
"""
SAID = {
    int(n): words
    for line in ZERO_TO_99.strip().splitlines()
    for n, words in (item.split(" ", 1) for item in line.split("|"))
}

# The hard cases, with the clips each must play, both written out by hand.
HARD = [
    (1, "một", ["mot"]),
    (5, "năm", ["nam"]),
    (10, "mười", ["muoi_huyen"]),
    (11, "mười một", ["muoi_huyen", "mot"]),
    (14, "mười bốn", ["muoi_huyen", "bon"]),
    (15, "mười lăm", ["muoi_huyen", "lam"]),
    (21, "hai mươi mốt", ["hai", "muoi", "mot_sac"]),
    (24, "hai mươi tư", ["hai", "muoi", "tu"]),
    (25, "hai mươi lăm", ["hai", "muoi", "lam"]),
    (101, "một trăm linh một", ["mot", "tram", "linh", "mot"]),
    (104, "một trăm linh bốn", ["mot", "tram", "linh", "bon"]),
    (105, "một trăm linh năm", ["mot", "tram", "linh", "nam"]),
    (110, "một trăm mười", ["mot", "tram", "muoi_huyen"]),
    (115, "một trăm mười lăm", ["mot", "tram", "muoi_huyen", "lam"]),
    (121, "một trăm hai mươi mốt", ["mot", "tram", "hai", "muoi", "mot_sac"]),
    (1000, "một nghìn", ["mot", "nghin"]),
    (1005, "một nghìn không trăm linh năm", ["mot", "nghin", "khong", "tram", "linh", "nam"]),
    (1015, "một nghìn không trăm mười lăm", ["mot", "nghin", "khong", "tram", "muoi_huyen", "lam"]),
    (1021, "một nghìn không trăm hai mươi mốt",
     ["mot", "nghin", "khong", "tram", "hai", "muoi", "mot_sac"]),
    (1024, "một nghìn không trăm hai mươi tư", ["mot", "nghin", "khong", "tram", "hai", "muoi", "tu"]),
    (1025, "một nghìn không trăm hai mươi lăm",
     ["mot", "nghin", "khong", "tram", "hai", "muoi", "lam"]),
    (1100, "một nghìn một trăm", ["mot", "nghin", "mot", "tram"]),
    (2010, "hai nghìn không trăm mười", ["hai", "nghin", "khong", "tram", "muoi_huyen"]),
    (10000, "mười nghìn", ["muoi_huyen", "nghin"]),
    (21000, "hai mươi mốt nghìn", ["hai", "muoi", "mot_sac", "nghin"]),
    (99999, "chín mươi chín nghìn chín trăm chín mươi chín",
     ["chin", "muoi", "chin", "nghin", "chin", "tram", "chin", "muoi", "chin"]),
    (100000, "một trăm nghìn", ["mot", "tram", "nghin"]),
    (1000005, "một triệu không trăm linh năm", ["mot", "trieu", "khong", "tram", "linh", "nam"]),
]


def test_the_table_covers_0_to_99():
    assert sorted(SAID) == list(range(100))


@pytest.mark.parametrize("n", range(100))
def test_0_to_99_read_as_a_caller_says_them(n):
    assert number_words_vi(n) == SAID[n]


@pytest.mark.parametrize("n, said, clips", HARD, ids=[str(case[0]) for case in HARD])
def test_hard_numbers_and_their_clips(n, said, clips):
    assert number_words_vi(n) == said
    assert ticket_clips(str(n)) == clips


def test_southern_spellings_le_and_ngan():
    assert number_words_vi(105, linh="lẻ") == "một trăm lẻ năm"
    assert number_words_vi(1025, linh="lẻ", thousand="ngàn") == "một ngàn không trăm hai mươi lăm"
    assert ticket_clips("1005", linh="lẻ", thousand="ngàn") == [
        "mot", "ngan", "khong", "tram", "le", "nam",
    ]


def test_digit_by_digit():
    assert digit_words_vi("1023") == "một không hai ba"
    assert digit_words_vi("0045") == "không không bốn năm"
    assert ticket_clips("1023", reading="digits") == ["mot", "khong", "hai", "ba"]
    assert ticket_clips("2115", reading="digits") == ["hai", "mot", "mot", "nam"]


def test_letter_prefixed_tickets():
    assert ticket_clips("A023") == ["chu_a", "hai", "muoi", "ba"]  # leading zeros unsaid
    assert ticket_clips("A023", reading="digits") == ["chu_a", "khong", "hai", "ba"]
    assert ticket_clips("b105") == ["chu_b", "mot", "tram", "linh", "nam"]
    assert ticket_clips("Đ-5") == ["chu_dd", "nam"]
    assert ticket_clips("A000") == ["chu_a", "khong"]
    assert ticket_clips("A023", lang="en") == ["en_letter_a", "en_twenty", "en_three"]


def test_english_numbers():
    assert number_words_en(1023) == "one thousand twenty three"
    assert number_words_en(115) == "one hundred fifteen"
    assert ticket_clips("40", lang="en") == ["en_forty"]


def test_counter_is_always_read_in_words():
    assert counter_clips(5) == ["nam"]
    assert counter_clips(12) == ["muoi_huyen", "hai"]
    assert counter_clips(21) == ["hai", "muoi", "mot_sac"]


def test_announce_a_typical_call():
    assert announce("1023", 5) == {
        "text": "Mời công dân có số thứ tự 1023 đến quầy số 5",
        "clips": [URL + name + ".ogg" for name in (
            "chime", "moi_cong_dan_co_so_thu_tu",
            "mot", "nghin", "khong", "tram", "hai", "muoi", "ba",
            "den_quay_so", "nam",
        )],
        "speech": "Mời công dân có số thứ tự một nghìn không trăm hai mươi ba đến quầy số năm",
    }


def test_announce_digits_letters_and_english():
    call = announce("A023", 14, reading="digits")
    assert call["text"] == "Mời công dân có số thứ tự A023 đến quầy số 14"
    assert [c.rsplit("/", 1)[1] for c in call["clips"]] == [
        "chime.ogg", "moi_cong_dan_co_so_thu_tu.ogg", "chu_a.ogg", "khong.ogg", "hai.ogg",
        "ba.ogg", "den_quay_so.ogg", "muoi_huyen.ogg", "bon.ogg",
    ]
    english = announce("1023", 5, lang="en", base_url="http://hall.local/v/", pack="mine")
    assert english["text"] == "Ticket number 1023, please go to counter 5"
    assert english["clips"][:3] == [
        "http://hall.local/v/mine/chime.ogg", "http://hall.local/v/mine/en_ticket_number.ogg",
        "http://hall.local/v/mine/en_one.ogg",
    ]
    assert english["clips"][-2:] == [
        "http://hall.local/v/mine/en_please_go_to_counter.ogg", "http://hall.local/v/mine/en_five.ogg",
    ]


def test_a_custom_template_names_its_phrase_clips_after_its_words():
    call = announce("7", 3, template="Xin mời số {number} tới quầy {counter}.")
    assert call["text"] == "Xin mời số 7 tới quầy 3."
    assert [c.rsplit("/", 1)[1] for c in call["clips"]] == [
        "chime.ogg", "xin_moi_so.ogg", "bay.ogg", "toi_quay.ogg", "ba.ogg",
    ]


@pytest.mark.parametrize("call", [
    lambda: number_words_vi(-1),
    lambda: number_words_vi(1_000_000_000),
    lambda: number_words_vi(5, linh="lình"),
    lambda: announce("1023", 5, lang="fr"),
    lambda: announce("1023", 5, reading="roman"),
    lambda: announce("1023", 5, template="Số {ticket} quầy {counter}"),
    lambda: announce("1023", 5, pack="../../etc"),
    lambda: announce("--", 5),
    lambda: announce("Ω12", 5),
    lambda: announce("1023", -1),
])
def test_bad_input_is_refused(call):
    with pytest.raises(ValueError):
        call()


def _every_clip_the_voice_can_play() -> set[str]:
    names = {"chime"}
    for n in range(100_000):
        text = str(n)
        names.update(ticket_clips(text))
        names.update(ticket_clips(text, linh="lẻ", thousand="ngàn"))
        names.update(ticket_clips(text, reading="digits"))
        names.update(ticket_clips(text, lang="en"))
        names.update(ticket_clips(text, lang="en", reading="digits"))
    for letter in VI_LETTER_NAMES:
        names.update(ticket_clips(letter + "1"))
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        names.update(ticket_clips(letter + "1", lang="en"))
    for lang in DEFAULT_TEMPLATES:
        names.update(c.rsplit("/", 1)[1][:-4] for c in announce("A1", 1, lang=lang)["clips"])
    return names


def test_the_pack_never_misses_a_clip():
    missing = sorted(n for n in _every_clip_the_voice_can_play() if not (PACK / f"{n}.ogg").is_file())
    assert missing == []


def test_the_manifest_matches_the_files_and_the_vocabulary():
    manifest = json.loads((PACK / "manifest.json").read_text(encoding="utf-8"))
    files = {p.stem for p in PACK.glob("*.ogg")}
    assert set(manifest["clips"]) == files
    assert {name: clip.text for name, clip in vocabulary().items()} == {
        name: entry["text"] for name, entry in manifest["clips"].items()
    }
    assert all(0.1 < entry["duration_s"] < 3.0 for entry in manifest["clips"].values())
    assert sum(p.stat().st_size for p in PACK.iterdir()) < 1_000_000


def test_every_clip_is_ogg_opus_mono():
    for path in PACK.glob("*.ogg"):
        head = path.read_bytes()[:64]
        assert head.startswith(b"OggS"), path.name
        assert head[28:36] == b"OpusHead", path.name
        assert head[37] == 1, f"{path.name} is not mono"


@pytest.mark.slow  # a browser
@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed")
def test_chromium_decodes_every_clip():
    """Web Audio in Chromium must decode each clip to the length the manifest says."""
    sync_api = pytest.importorskip("playwright.sync_api")
    manifest = json.loads((PACK / "manifest.json").read_text(encoding="utf-8"))

    def serve(route):
        name = route.request.url.rsplit("/", 1)[1]
        path = PACK / name
        if path.is_file():
            route.fulfill(status=200, body=path.read_bytes(), content_type="audio/ogg")
        else:
            page_html = "<!doctype html><title>voice</title>"
            route.fulfill(status=200, body=page_html, content_type="text/html")

    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        page = browser.new_page()
        page.route("http://hallq.test/**", serve)
        page.goto("http://hallq.test/index.html")
        decoded = page.evaluate(
            """async (names) => {
                const ctx = new OfflineAudioContext(1, 48000, 48000);
                const out = {};
                for (const name of names) {
                    const bytes = await (await fetch(`/${name}.ogg`)).arrayBuffer();
                    out[name] = (await ctx.decodeAudioData(bytes)).duration;
                }
                return out;
            }""",
            sorted(manifest["clips"]),
        )
        browser.close()
    for name, entry in manifest["clips"].items():
        assert decoded[name] == pytest.approx(entry["duration_s"], abs=0.03), name
