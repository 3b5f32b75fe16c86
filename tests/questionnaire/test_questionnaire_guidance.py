"""What panellists read with the items: each section's guidance text above its items, each item's
explanation under its wording, the study's documents; all staff-written Markdown sanitised."""
from __future__ import annotations

import re

import pytest

from delphi.models import Item, Section
from delphi.rounds.lifecycle import close_round
from delphi.studies.documents import attach_file, attach_link
from tests.support.html_safety import ATTACKS, unsafe_markup
from tests.support.reports import download_report

GUIDANCE = """Workers and individuals **share ownership** of the work.

- Decisions are joint.
- See [the manual](https://example.org/manual).
"""

# Every Markdown field panellists see: where it is stored.
FIELDS = {
    "section guidance": lambda study, text: setattr(study.sections[0], "guidance", text),
    "item explanation": lambda study, text: setattr(study.sections[0].items[0], "explanation",
                                                    text),
}


def test_the_section_page_shows_guidance_above_the_items_and_explanations_under_wordings(
        db, client, round_one):
    setting = round_one()
    section = setting.study.sections[0]
    section.guidance = GUIDANCE
    item = section.items[0]
    item.explanation = "Both *take responsibility* for acting on decisions."
    db.session.commit()
    # The explanation is read with the round's items: reload the round as a new request would.
    db.session.expire_all()

    page = client.get(setting.section_url(1)).get_data(as_text=True)

    # Rendered as HTML, in a <details> open on first view, before the first item.
    guidance = page.index('<details class="guidance" open>')
    assert guidance < page.index('class="item"')
    assert "<strong>share ownership</strong>" in page
    assert "<li>Decisions are joint.</li>" in page
    assert ('<a href="https://example.org/manual" target="_blank" '
            'rel="noopener noreferrer">the manual</a>') in page
    # The explanation sits in the item's fieldset, after its wording.
    fieldset = re.search(r'<fieldset class="item" id="item-\d+">.*?</fieldset>', page, re.S)
    assert fieldset is not None
    block = fieldset.group()
    assert block.index(item.text) < block.index("<em>take responsibility</em>")
    # Section 2 has no guidance: no empty box.
    other = client.get(setting.section_url(2)).get_data(as_text=True)
    assert 'class="guidance"' not in other


@pytest.mark.parametrize("attack", sorted(ATTACKS))
@pytest.mark.parametrize("field", sorted(FIELDS))
def test_markdown_fields_are_sanitised_on_the_questionnaire(db, client, round_one, field, attack):
    setting = round_one()
    FIELDS[field](setting.study, f"Intro for {field}.\n\n{ATTACKS[attack]}")
    db.session.commit()
    db.session.expire_all()

    response = client.get(setting.section_url(1))

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"Intro for {field}." in page  # the field is on the page ...
    assert unsafe_markup(page) == []  # ... and nothing active came with it
    assert "-ran')" not in page.replace("[Open](javascript:alert('js-ran'))", "")


@pytest.mark.parametrize("attack", sorted(ATTACKS))
@pytest.mark.parametrize("field", sorted(FIELDS))
def test_markdown_fields_are_sanitised_in_the_report(db, client, login_as, round_one, submit,
                                                     field, attack):
    setting = round_one()
    for k, panellist in enumerate(setting.panel):
        submit(setting.round, panellist, {ri.code: k % 9 + 1 for ri in setting.round.round_items})
    close_round(setting.round)
    FIELDS[field](setting.study, f"Intro for {field}.\n\n{ATTACKS[attack]}")
    db.session.commit()
    login_as("admin")

    response = client.get(f"/console/studies/{setting.study.slug}/reports/view")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"Intro for {field}." in page
    assert unsafe_markup(page) == []
    if field == "section guidance":
        assert "Appendix: the guidance text of each section" in page


def test_the_report_appendix_holds_each_sections_guidance_and_the_pdf_too(
        db, client, login_as, round_one, submit):
    setting = round_one()
    for k, panellist in enumerate(setting.panel):
        submit(setting.round, panellist, {ri.code: k % 9 + 1 for ri in setting.round.round_items})
    close_round(setting.round)
    setting.study.sections[1].guidance = "Mapping happens **together**."
    db.session.commit()
    login_as("admin")

    page = client.get(f"/console/studies/{setting.study.slug}/reports/view").get_data(as_text=True)
    appendix = page[page.index('id="appendix-guidance"'):]
    assert "Mapping happens <strong>together</strong>." in appendix
    section = setting.study.sections[1]
    assert f"{section.code} {section.title}" in appendix
    assert setting.study.sections[0].title not in appendix  # no guidance, not listed

    pdf = download_report(client, setting.study.slug, "pdf")
    assert pdf.status_code == 200
    from io import BytesIO

    from pypdf import PdfReader
    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(pdf.data)).pages)
    assert "Appendix: the guidance text of each section" in text
    assert "Mapping happens together." in " ".join(text.split())


def test_documents_are_listed_for_the_section_and_the_study(db, client, round_one):
    setting = round_one()
    study = setting.study
    section = study.sections[0]
    attach_file(study, title="Practice guidance in full", filename="guidance.pdf",
                data=b"%PDF-1.4\n%%EOF\n")
    attach_link(study, title="Mapping worksheet", url="https://example.org/map", section=section)
    attach_link(study, title="Only for section two", url="https://example.org/two",
                section=study.sections[1])
    db.session.commit()

    page = client.get(setting.section_url(1)).get_data(as_text=True)
    welcome = client.get(setting.url()).get_data(as_text=True)

    assert "Practice guidance in full" in page and "Mapping worksheet" in page
    assert "Only for section two" not in page
    assert ('<a href="https://example.org/map" target="_blank" rel="noopener noreferrer">'
            'Mapping worksheet</a>') in page
    assert "Practice guidance in full" in welcome and "Mapping worksheet" not in welcome


def test_items_and_sections_default_to_no_guidance(db, make_study):
    study = make_study()
    db.session.commit()
    assert db.session.scalar(db.select(Section.guidance).limit(1)) == ""
    assert db.session.scalar(db.select(Item.explanation).limit(1)) == ""


def test_a_new_wording_keeps_the_explanation_and_round_two_shows_it(db, client, round_one,
                                                                    submit):
    from delphi.rounds.review import launch_next_round, reword_item

    setting = round_one()
    item = setting.study.sections[0].items[1]
    item.explanation = "Said *plainly*."
    for k, panellist in enumerate(setting.panel):
        submit(setting.round, panellist, {ri.code: [1, 5, 9][k % 3]
                                          for ri in setting.round.round_items})
    close_round(setting.round)
    old = next(ri for ri in setting.round.round_items if ri.item_id == item.id)
    new = reword_item(old, "A clearer wording.", reason="Vague.")
    launch_next_round(setting.study)
    db.session.commit()

    page = client.get(setting.url("/round/2/section/1")).get_data(as_text=True)

    assert new.explanation == "Said *plainly*."
    block = page[page.index("A clearer wording."):]
    assert block.index("Said <em>plainly</em>.") < block.index("</fieldset>")
