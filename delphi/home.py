"""The front page: what this server is, and where staff sign in. It names no study.

``/favicon.ico`` is the site's icon, served from ``static/``.
``/healthz`` answers "ok" without touching the database: load balancers probe it, and the
benchmarks use it as the cheapest request the app can serve.
"""

from flask import Blueprint, current_app, render_template

from delphi.routing import GET, add_rules


def index():
    return render_template("home.html")


def healthz():
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}


def favicon():
    """The site's small icon, which browsers ask for at /favicon.ico whatever the page says."""
    return current_app.send_static_file("favicon.ico")


blueprint = Blueprint("home", __name__)

RULES = [
    ("/", "index", index, GET),
    ("/healthz", "healthz", healthz, GET),
    ("/favicon.ico", "favicon", favicon, GET),
]

add_rules(blueprint, RULES)
