"""A refusal names what it needs: `403 forbidden` says the role (or the kind of device) required."""
from __future__ import annotations

from typing import Iterator

import pytest

from tests.support.app import InProcessHall
from tests.support.hall import hall_config


@pytest.fixture(scope="module")
def hall(tmp_path_factory) -> Iterator[InProcessHall]:
    with InProcessHall(tmp_path_factory.mktemp("refusals"), hall_config()) as hall:
        yield hall


@pytest.mark.parametrize("who,method,path,vi,en", [
    ("supervisor", "GET", "users", "Thao tác này dành cho quản trị viên (admin).", "This is for administrators (admin)."),
    ("staff", "GET", "stats", "Thao tác này dành cho giám sát viên trở lên (supervisor).",
     "This is for supervisors and up (supervisor)."),
    ("display", "POST", "counters/3/call-next", "Thao tác này dành cho cán bộ trở lên (staff).",
     "This is for staff and up (staff)."),
    ("staff", "POST", "counters/3/rating", "Thao tác này dành cho máy đánh giá (rating).",
     "This is for rating tablets (rating)."),
])
def test_forbidden_names_the_role_needed(hall, who, method, path, vi, en):
    token = hall.device("tv", "display") if who == "display" else hall.person(f"p-{who}", who)
    assert hall.error(method, path, token=token, json={}) == (403, "forbidden", vi)
    assert hall.error(method, path, token=token, json={}, lang="en") == (403, "forbidden", en)
