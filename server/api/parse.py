"""What a view takes and answers: the JSON body, the request models, and their refusals in the contract's words."""
from __future__ import annotations

import functools
import json
import typing
from typing import Any, Callable, Mapping, TypeVar

from flask import g, request
from pydantic import BaseModel, ValidationError

from ..context import hall
from ..queueing.errors import Invalid, QueueError
from .schemas import Refuse

MAX_DEPTH = 16  # our bodies are two levels deep; anything near this is not a client of ours
M = TypeVar("M", bound=BaseModel)


class Malformed(QueueError):
    """The body is not a JSON object we can read: 400."""


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def json_object(raw: bytes) -> dict[str, Any]:
    """Parse a request body: one JSON object, at most MAX_DEPTH deep, only well-formed Unicode.

    json.loads takes "\\ud800" (a lone surrogate) as valid, and such a string fails later in
    the database driver or the JSON encoder: refused here, once for every endpoint.
    """
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except RecursionError:
        raise Malformed("json_too_deep", limit=MAX_DEPTH) from None
    except (ValueError, UnicodeDecodeError):
        raise Malformed("malformed_request") from None
    if not isinstance(data, dict):
        raise Malformed("malformed_request")
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise Malformed("invalid_text") from None
        elif isinstance(value, (dict, list)):
            if depth > MAX_DEPTH:
                raise Malformed("json_too_deep", limit=MAX_DEPTH)
            items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
            stack.extend((item, depth + 1) for item in items)
    return data


# -- models ----------------------------------------------------------------------------------


def parse(model: type[M], data: Mapping[str, Any]) -> M:
    """`data` as `model`, or the contract's 422 for its first wrong field (in the model's field order)."""
    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise refusal(model, err.errors()[0]) from None


def refusal(model: type[BaseModel], error: Mapping[str, Any]) -> QueueError:
    """One pydantic error as the contract's: `missing_field`, the field's own `Refuse`, else `invalid_value`.

    An error inside a nested body (`text.vi`) is its inner model's, named by its whole path.
    """
    field = str(error["loc"][0]) if error["loc"] else None
    inner = _nested(model, field) if len(error["loc"]) > 1 else None
    if inner is not None:
        err = refusal(inner, {**error, "loc": error["loc"][1:]})
        err.params["field"] = f"{field}.{err.params.get('field')}"
        return err
    if error["type"] == "missing":
        return Invalid("missing_field", field=field)
    if not error["loc"]:  # a rule over several fields raises its code itself (see AmendRating)
        return Invalid(error["type"], **error.get("ctx", {}))
    refuse = _refuse_of(model, field) or Refuse(allowed=str(error["msg"]))
    params = dict(refuse.params)
    if any(callable(v) for v in params.values()):
        params = {k: v(hall().config) if callable(v) else v for k, v in params.items()}
    return Invalid(refuse.code, **{"field": field, **params})


def _refuse_of(model: type[BaseModel], field: str | None) -> Refuse | None:
    """The field's Refuse: on the field itself, or inside its type (`text(16) | None`)."""
    for name, info in model.model_fields.items():
        if field in (name, info.alias):
            found = [m for m in (*info.metadata, *_metadata(info.annotation)) if isinstance(m, Refuse)]
            return found[0] if found else None
    return None


def _nested(model: type[BaseModel], field: str | None) -> type[BaseModel] | None:
    """The body model a field holds (`text: NoticeText | None`), if it holds one."""
    info = model.model_fields.get(field or "")
    for kind in (info.annotation, *typing.get_args(info.annotation)) if info else ():
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            return kind
    return None


def _metadata(annotation: Any) -> list[Any]:
    """Every Annotated[...] metadata inside a type (through unions)."""
    found = list(getattr(annotation, "__metadata__", ()))
    for arg in typing.get_args(annotation):
        found += _metadata(arg)
    return found


def takes(model: type[BaseModel]) -> Callable:
    """The view reads `model`: a GET its query string (as `query=`), anything else its JSON body (as `body=`).

    Runs inside `allow`, so who may call is settled first and the body is already read.
    """

    def wrap(view: Callable) -> Callable:
        @functools.wraps(view)
        def parsed(*args: Any, **kwargs: Any) -> Any:
            if request.method in ("GET", "HEAD"):
                return view(*args, query=parse(model, request.args.to_dict()), **kwargs)
            return view(*args, body=parse(model, g.body), **kwargs)

        parsed.takes = model
        return parsed

    return wrap


class Answer(typing.NamedTuple):
    """What a view answers when it succeeds, for the OpenAPI document."""

    status: int
    model: Any  # a pydantic model, list[Model], or None (no schema)
    media: str


def answers(model: Any = None, status: int = 200, media: str = "application/json") -> Callable:
    """Declare a view's successful answer: its status and its model (server/api/schemas_answers.py)."""

    def mark(view: Callable) -> Callable:
        view.answers = Answer(status, model, media)
        return view

    return mark
