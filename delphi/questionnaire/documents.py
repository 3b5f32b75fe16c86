"""A study's documents as its panellists open them: through their personal link only."""

from __future__ import annotations

from delphi.questionnaire.standing import standing_for
from delphi.questionnaire.views import invalid_link, withdrawn
from delphi.studies.document_views import document_response
from delphi.studies.documents import document_of


def document(token: str, document_id: int):
    """A document of the panellist's own study; the invalid-link page for any other id, the
    withdrawn page once they withdrew."""
    standing = standing_for(token)
    if standing is None:
        return invalid_link()
    if not standing.panellist.active:
        return withdrawn(standing)
    return document_response(document_of(standing.study, document_id))
