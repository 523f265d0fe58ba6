"""Helpers shared by hallq's tests: a real server process, its CLI, auth, and a live display."""
