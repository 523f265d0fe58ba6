"""`hallq print-test URL --preview FILE.png [--priority CATEGORY]` through the real command."""
from __future__ import annotations

import re

import pytest
from PIL import Image

from tests.support.cli import run_hallq
from tests.support.hall import hall_config, write_config

pytestmark = pytest.mark.slow  # each `hallq` run is a process of its own
VETERAN = {"code": "veteran", "name": {"vi": "Người có công", "en": "Revolution contributor"}}


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    """A hall with a 58 mm printer named "quay-58" and its own priority categories."""
    def edit(data):
        data["printers"] = {"quay-58": {"url": "serial:///dev/ttyUSB9", "paper_width_dots": 384}}
        data["priority_categories"] = [VETERAN]

    return write_config(tmp_path_factory.mktemp("preview"), hall_config(edit=edit))


def band_rows(path) -> int:
    """Rows with 200 black dots in a row: the priority band's edges (no other line has that)."""
    image = Image.open(path).convert("L")
    solid = re.compile(rb"[\x00-\x7f]{200,}")
    return sum(1 for y in range(image.height) if solid.search(image.crop((0, y, image.width, y + 1)).tobytes()))


def test_preview_writes_the_ticket_with_the_printers_settings_and_prints_nothing(config, tmp_path):
    out, paper = tmp_path / "normal.png", tmp_path / "paper.prn"
    done = run_hallq("print-test", f"file://{paper}", "--preview", str(out), config=config)
    assert str(out) in done.stdout and not paper.exists()  # drawn, not printed
    with Image.open(out) as image:
        assert image.format == "PNG" and image.width == 576 and image.height > 600
    assert band_rows(out) < 10  # the rules are a couple of rows
    narrow = tmp_path / "narrow.png"
    run_hallq("print-test", "quay-58", "--preview", str(narrow), "--priority", "veteran", config=config)
    with Image.open(narrow) as image:
        assert image.width == 384  # the named printer's paper
    assert band_rows(narrow) >= 10


@pytest.mark.parametrize("args,reason", [
    (["dummy://", "--priority", "elderly"], "--priority must be one of veteran"),
    (["gopher://x"], "printer URL must start with one of"),
    (["nobody"], "no printer named 'nobody'"),
])
def test_a_bad_preview_request_is_one_line_and_writes_nothing(config, tmp_path, args, reason):
    out = tmp_path / "x.png"
    done = run_hallq("print-test", args[0], "--preview", str(out), *args[1:], config=config, check=False)
    assert done.returncode != 0 and not out.exists()
    assert done.stderr.count("\n") == 1 and reason in done.stderr


def test_an_unwritable_preview_path_is_one_line(config, tmp_path):
    done = run_hallq("print-test", "dummy://", "--preview", str(tmp_path / "no" / "such" / "dir.png"),
                     config=config, check=False)
    assert done.returncode != 0 and done.stderr.startswith("hallq: print-test dummy://: cannot write")
