"""What a kiosk offers besides its services: the priority categories of config.yaml."""
from __future__ import annotations

from flask import jsonify

from ..context import hall
from . import allow, api
from .parse import answers
from .schemas_answers import KioskSettings


@api.get("/kiosk-settings")
@allow(public=True)
@answers(KioskSettings)
def kiosk_settings():
    """The priority categories a citizen may choose (codes and names), and the center."""
    c = hall().config
    return jsonify({
        "priority_categories": [p.model_dump() for p in c.priority_categories],
        "center": {"name": c.center.name.model_dump(), "timezone": c.center.timezone},
    })
