"""Supervisor reads: printers, statistics and the ticket export."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from flask import Response, jsonify, request

from ..context import hall
from ..queueing.errors import Invalid
from ..reports import stats, ticket_rows
from . import allow, api

MAX_RANGE_DAYS = 400


def _range() -> tuple[date, date]:
    """?from=YYYY-MM-DD&to=YYYY-MM-DD, both included; today when absent."""
    h = hall()
    from ..queueing.clock import business_day

    today = business_day(h.clock(), h.config.center.tz, h.config.center.day_start)
    try:
        start = date.fromisoformat(request.args["from"]) if request.args.get("from") else today
        end = date.fromisoformat(request.args["to"]) if request.args.get("to") else start
    except ValueError:
        raise Invalid("invalid_value", field="from/to", allowed="YYYY-MM-DD") from None
    if end < start or end - start > timedelta(days=MAX_RANGE_DAYS):
        raise Invalid("invalid_value", field="from/to", allowed=f"from ≤ to, at most {MAX_RANGE_DAYS} days")
    return start, end


@api.get("/printers")
@allow(role="supervisor")
def printers():
    """Every printer the hall knows, with its last status."""
    return jsonify(hall().printers.listing())


@api.get("/stats")
@allow(role="supervisor")
def statistics():
    """Counts, waiting and service times, ratings, per service and per counter."""
    h = hall()
    start, end = _range()
    return jsonify(h.db.read(lambda s: stats(s, h.config, start, end)))


@api.get("/reports/tickets.csv")
@allow(role="supervisor")
def tickets_csv():
    """One row per ticket, UTF-8 with BOM so Excel keeps the Vietnamese."""
    h = hall()
    start, end = _range()
    header, rows = h.db.read(lambda s: ticket_rows(s, h.config, start, end))
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return Response(out.getvalue().encode("utf-8"), mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="hallq-tickets-{start}-{end}.csv"'})
