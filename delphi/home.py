"""The front page: what this server is, and where staff sign in. It names no study.

``/healthz`` answers "ok" without touching the database: load balancers probe it, and the
benchmarks use it as the cheapest request the app can serve.
"""
from flask import Blueprint, render_template

blueprint = Blueprint("home", __name__)


@blueprint.get("/")
def index():
    return render_template("home.html")


@blueprint.get("/healthz")
def healthz():
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}
