"""The console's study navigation, built only from pages that exist in this installation."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request, url_for
from werkzeug.routing import BuildError

from delphi.models import RoundState, Study

# (label, endpoint): each page belongs to its capability's blueprint.
STUDY_PAGES = [
    ("Set-up", "studies.setup"),
    ("Protocol", "studies.protocol"),
    ("Content", "studies.content"),
    ("Documents", "studies.documents"),
    ("Panel", "panel.panel"),
    ("Consent", "consent.consent_page"),
    ("Sign-up", "signup.console"),
    ("Messages", "mail.messages"),
    ("Rounds", "rounds.dashboard"),
    ("Review", "rounds.review"),
    ("Reports", "reports.index"),
    ("Audit", "audit.audit"),
]


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    current: bool


def _url(endpoint: str, study: Study) -> str | None:
    """The page's URL; pages about one round (the review) link to the latest closed round."""
    try:
        return url_for(endpoint, slug=study.slug)
    except BuildError:
        closed = [r.number for r in study.rounds if r.state is RoundState.CLOSED]
        if not closed:
            return None
        try:
            return url_for(endpoint, slug=study.slug, number=max(closed))
        except BuildError:
            return None


def study_nav(study: Study) -> list[NavLink]:
    """Links to the study's console pages whose endpoints are registered and can be built."""
    links = []
    for label, endpoint in STUDY_PAGES:
        if endpoint in current_app.view_functions:
            url = _url(endpoint, study)
            if url is not None:
                links.append(NavLink(label, url, request.endpoint == endpoint))
    return links
