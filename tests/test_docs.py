"""The repository's own docs carry the whole interface: a clone has nothing else to read."""
from __future__ import annotations

import re

import pytest
import yaml

from server.app import create_app
from tests.conftest import ROOT, demo_config_data

API_DOC = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")


def _expanded(doc: str) -> str:
    """The doc with the contract's short rows spelled out: "`POST /a/{n}/start` · `/finish`" also
    says "POST /a/{n}/finish"."""
    extra = []
    for line in doc.splitlines():
        first = re.search(r"`(GET|POST|PATCH|PUT|DELETE) (/[^ `]*)/[^/ `]+[^`]*`", line)
        if first and "·" in line:
            for seg in re.findall(r"· `(/[\w-]+)`", line):
                extra.append(f"{first.group(1)} {first.group(2)}{seg}")
    return doc + "\n" + "\n".join(extra)


API_TEXT = _expanded(API_DOC)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("docs")
    (folder / "config.yaml").write_text(yaml.safe_dump(demo_config_data(async_mode="threading")), encoding="utf-8")
    return create_app(folder / "config.yaml", {"ASYNC_MODE": "threading"})


def documented_form(rule: str) -> str:
    """`/api/v1/counters/<int:n>/call-next` as docs/api.md writes it: `/counters/{n}/call-next`."""
    path = rule.removeprefix("/api/v1")
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path)


def test_every_api_route_is_in_docs_api_md(app):
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1") and rule.rule != "/api/v1/openapi.json":
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                path = documented_form(rule.rule)
                if not re.search(rf"{method}[^|\n]*{re.escape(path)}(?![\w/-])", API_TEXT):
                    missing.append(f"{method} {path}")
    assert missing == [], "undocumented in docs/api.md: " + ", ".join(missing)


def test_every_page_is_in_docs_api_md_and_the_readme(app):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(("/api/", "/static", "/healthz")) or "static" in rule.endpoint:
            continue
        if rule.rule.endswith("/") and rule.rule != "/":  # /admin/ is /admin
            continue
        path = re.sub(r"<(?:int:)?(\w+)>", lambda m: "{n}" if m.group(1) == "n" else "{" + m.group(1) + "}", rule.rule)
        assert f"`{path}`" in API_DOC, f"page {path} is not in docs/api.md"
        readme_path = path.replace("{n}", "N")
        assert readme_path in readme, f"page {readme_path} is not in README.md's pages table"


def test_readme_links_the_interface_in_the_repository():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "../shared" not in readme
    assert "(docs/api.md)" in readme


def test_no_page_has_two_elements_with_one_id(app):
    """Shared parts (the password dialog) once reused an id a page already had: the wrong dialog opened."""
    client = app.test_client()
    seen = 0
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(("/api/", "/static", "/healthz")) or "static" in rule.endpoint or "GET" not in rule.methods:
            continue
        path = re.sub(r"<(?:int:)?\w+>", "1", rule.rule)
        resp = client.get(path)
        if resp.status_code != 200 or not resp.mimetype.startswith("text/html"):
            continue
        seen += 1
        ids = re.findall(r'\sid="([^"{}]+)"', resp.get_data(as_text=True))
        twice = sorted({i for i in ids if ids.count(i) > 1})
        assert not twice, f"{path}: {twice}"
    assert seen >= 8, "fewer pages than the hall has: the walk found nothing to check"
