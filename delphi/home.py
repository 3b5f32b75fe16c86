"""The front page: what this server is, and where staff sign in. It names no study.

``/healthz`` answers "ok" without touching the database: load balancers probe it, and the
benchmarks use it as the cheapest request the app can serve.
"""

from flask import Blueprint, render_template

from delphi.routing import GET, add_rules


def index():
    return render_template("home.html")


def healthz():
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}


blueprint = Blueprint("home", __name__)

RULES = [
    ("/", "index", index, GET),
    ("/healthz", "healthz", healthz, GET),
]

add_rules(blueprint, RULES)
