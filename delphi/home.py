"""The front page: what this server is, and where staff log in."""
from flask import Blueprint, render_template

from delphi.extensions import db
from delphi.models import Study

blueprint = Blueprint("home", __name__)


@blueprint.get("/")
def index():
    studies = db.session.scalars(db.select(Study).order_by(Study.title)).all()
    return render_template("home.html", studies=studies)
