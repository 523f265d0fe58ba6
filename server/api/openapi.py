"""The OpenAPI 3.1 document of /api/v1, generated from the app's routes, their models and their `allow` rules.

Nothing here lists endpoints: a route is in the document because the app serves it, with who
may call it (`allow`), what it reads (`takes`, server/api/schemas.py) and what it answers
(`answers`, server/api/schemas_answers.py).
"""
from __future__ import annotations

import re
import typing
from typing import Any

from flask import Flask
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from .schemas_answers import Error

PREFIX = "/api/v1"
_ARG = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
_CACHE_KEY = "hallq.openapi"
STATUS_TEXT = {200: "OK", 201: "Created"}


def document(app: Flask) -> dict[str, Any]:
    """The document for `app`, built once (the routes do not change while it runs)."""
    if _CACHE_KEY not in app.extensions:
        app.extensions[_CACHE_KEY] = build(app)
    return app.extensions[_CACHE_KEY]


def operations(app: Flask) -> list[tuple[str, Any, Any]]:
    """(method, rule, view) of every /api/v1 route the app serves."""
    return sorted(((method, rule, app.view_functions[rule.endpoint]) for rule in app.url_map.iter_rules()
                   if rule.rule.startswith(PREFIX + "/") for method in rule.methods - {"HEAD", "OPTIONS"}),
                  key=lambda op: (op[1].rule, op[0]))


def path_of(rule: str) -> str:
    """`/api/v1/counters/<int:n>/call-next` as OpenAPI writes it: `/counters/{n}/call-next`."""
    return _ARG.sub(r"{\2}", rule.removeprefix(PREFIX))


def _models(ops: list[tuple[str, Any, Any]]) -> tuple[dict[Any, dict], dict[str, Any]]:
    """Each request model's and answer model's schema (a $ref), and every schema they use."""
    wanted: dict[tuple[type[BaseModel], str], None] = {(Error, "serialization"): None}
    for method, _, view in ops:
        if getattr(view, "takes", None) and method != "GET":  # a query's fields are inlined as parameters
            wanted[(view.takes, "validation")] = None
        answer = getattr(view, "answers", None)
        if answer is not None and answer.model is not None:
            wanted[(_item(answer.model), "serialization")] = None
    refs, top = models_json_schema(list(wanted), ref_template="#/components/schemas/{model}")
    return {model: schema for (model, _), schema in refs.items()}, top.get("$defs", {})


def _item(model: Any) -> type[BaseModel]:
    """The model itself, or the model of list[Model]."""
    return typing.get_args(model)[0] if typing.get_origin(model) is list else model


def _parameters(rule: Any, query: type[BaseModel] | None, schemas: dict[Any, dict]) -> list[dict[str, Any]]:
    params = []
    for converter, name in _ARG.findall(rule.rule):
        params.append({"name": name, "in": "path", "required": True,
                       "schema": {"type": "integer"} if converter == "int" else {"type": "string"}})
    if query is not None:
        schema = query.model_json_schema()
        for name, prop in schema.get("properties", {}).items():
            prop = {k: v for k, v in prop.items() if k != "title"}
            variants = [v for v in prop.pop("anyOf", ()) if v != {"type": "null"}]  # a query value is text or absent
            prop.update(variants[0] if len(variants) == 1 else {"anyOf": variants} if variants else {})
            if prop.get("default", "") is None:
                del prop["default"]
            param = {"name": name, "in": "query", "required": name in schema.get("required", ()), "schema": prop}
            if "description" in prop:
                param["description"] = prop.pop("description")
            params.append(param)
    return params


def _operation(method: str, rule: Any, view: Any, schemas: dict[Any, dict]) -> dict[str, Any]:
    allowed = view.allowed
    doc = (view.__doc__ or "").strip()
    summary, _, rest = doc.partition("\n")
    op: dict[str, Any] = {
        "operationId": rule.endpoint.removeprefix("api."),
        "summary": summary.strip(),
        "description": f"Who: {allowed.who()}." + (f"\n\n{' '.join(rest.split())}" if rest.strip() else ""),
        "x-hallq-allow": {"role": allowed.role, "devices": list(allowed.devices),
                          "anonymous": allowed.anonymous, "public": allowed.public, "sites": allowed.sites},
        # A token is optional where tokenless callers may come; required everywhere else.
        "security": [{}, {"bearer": []}] if allowed.public or allowed.anonymous else [{"bearer": []}],
    }
    takes = getattr(view, "takes", None)
    params = _parameters(rule, takes if method == "GET" else None, schemas)
    if params:
        op["parameters"] = params
    if takes is not None and method != "GET":
        op["requestBody"] = {"required": bool(takes.model_json_schema().get("required")),
                             "content": {"application/json": {"schema": schemas[takes]}}}
    answer = getattr(view, "answers", None)
    status, media = (answer.status, answer.media) if answer else (200, "application/json")
    if answer is not None and answer.model is not None:
        schema = schemas[_item(answer.model)]
        if typing.get_origin(answer.model) is list:
            schema = {"type": "array", "items": schema}
    elif media == "application/json":
        schema = {"type": "object"}
    else:
        schema = {"type": "string", "format": "binary"}
    op["responses"] = {
        str(status): {"description": STATUS_TEXT.get(status, "OK"), "content": {media: {"schema": schema}}},
        "default": {"description": "An error: 400 malformed, 401 not authenticated, 403 not allowed, 404 not found, "
                                   "409 conflict, 422 invalid value, 429 rate limited, 503 busy",
                    "content": {"application/json": {"schema": schemas[Error]}}},
    }
    return op


def build(app: Flask) -> dict[str, Any]:
    ops = operations(app)
    schemas, defs = _models(ops)
    paths: dict[str, Any] = {}
    for method, rule, view in ops:
        paths.setdefault(path_of(rule.rule), {})[method.lower()] = _operation(method, rule, view, schemas)
    return {
        "openapi": "3.1.0",
        "info": {"title": "hallq", "version": "1",
                 "description": "Queue tickets, counters and displays of a service hall. Generated from the "
                                "server's routes, request and answer models and access rules; "
                                "`x-hallq-allow` on each operation is who may call it."},
        "servers": [{"url": PREFIX}],
        "paths": paths,
        "components": {"schemas": defs,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                                      "description": "a device token or a person's login token"}}},
    }
