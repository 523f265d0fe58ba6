"""Extensions: made for each app in create_app.

Socket.IO is not one module-level object bound by init_app: tests build several apps in one
process, and each needs its own server, clients and handlers (a shared one would carry every
earlier app's handlers and send one app's events to another's clients).
"""
from __future__ import annotations

from flask import Flask
from flask_socketio import SocketIO


def make_socketio(app: Flask, async_mode: str) -> SocketIO:
    """The app's Socket.IO server (also at app.extensions["socketio"])."""
    return SocketIO(app, async_mode=async_mode)
