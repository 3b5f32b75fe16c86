"""A study's documents as its panellists open them: through their personal link only."""

from __future__ import annotations

from delphi.questionnaire.views import invalid_link, withdrawn
from delphi.questionnaire.visit import visit_for
from delphi.studies.document_views import document_response
from delphi.studies.documents import document_of


def document(token: str, document_id: int):
    """A document of the panellist's own study; the invalid-link page for any other id, the
    withdrawn page once they withdrew."""
    visit = visit_for(token)
    if visit is None:
        return invalid_link()
    if not visit.panellist.active:
        return withdrawn(visit)
    return document_response(document_of(visit.study, document_id))
