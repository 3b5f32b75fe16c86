"""The demo's attached document: a short PDF overview of the intervention's stages, drawn at
demo time by WeasyPrint from the sections' own guidance text, so nothing binary is shipped."""

from __future__ import annotations

from flask import render_template_string

from delphi.models import StaffUser, Study, StudyDocument
from delphi.studies.documents import attach_file

TITLE = "The Connecting People Intervention at a glance (PDF)"
FILENAME = "cpi-at-a-glance.pdf"

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ study.title }}</title>
<style>
  body { font-family: sans-serif; font-size: 10.5pt; line-height: 1.4; }
  h1 { font-size: 16pt; } h2 { font-size: 12pt; margin-top: 1.2em; }
</style></head>
<body>
<h1>The Connecting People Intervention at a glance</h1>
<p>A summary for panellists of the stages the practice guidance covers. It is a demonstration
document written for this platform's demo study.</p>
{% for section in study.sections %}
<h2>{{ section.code }}. {{ section.title }}</h2>
{{ section.guidance|markdown }}
{% endfor %}
</body></html>
"""


def overview_pdf(study: Study) -> bytes:
    """The overview of ``study``'s sections and their guidance, as a PDF."""
    from weasyprint import HTML

    pdf = HTML(string=render_template_string(_PAGE, study=study)).write_pdf()
    assert pdf is not None
    return pdf


def attach_overview(study: Study, *, by: StaffUser | None = None) -> StudyDocument:
    """Attach the overview PDF to the study as a whole (flushed)."""
    return attach_file(study, title=TITLE, filename=FILENAME, data=overview_pdf(study), by=by)
