"""New sections and items are numbered from 1, however they are added: the study file, the
content page, an items import, a suggestion accepted as an item."""

from __future__ import annotations

from datetime import timedelta

from delphi.models import Item, Section, Suggestion, SuggestionKind, utcnow
from delphi.rounds.lifecycle import close_round, open_round
from delphi.rounds.review import add_item_from_suggestion
from delphi.studies.items_import import import_items
from delphi.studies.operations import add_item, add_section


def _positions(db, section: Section) -> list[int]:
    return list(db.session.scalars(
        db.select(Item.position).filter_by(section_id=section.id).order_by(Item.position)))


def test_the_content_page_operations_number_from_one(db, make_study):
    study = make_study(sections=0)
    section = add_section(study, code="S1", title="First")
    item = add_item(section, code="S1.1", text="The first item.")
    assert (section.position, item.position) == (1, 1)


def test_an_items_import_numbers_from_one(db, make_study):
    study = make_study(sections=0)
    import_items(study, b"section,code,text\nNew section,N.1,First.\nNew section,N.2,Second.\n",
                 "items.csv")
    section = db.session.scalar(db.select(Section).filter_by(study_id=study.id))
    assert section.position == 1
    assert _positions(db, section) == [1, 2]


def test_a_suggestion_accepted_into_an_empty_section_is_its_first_item(db, make_study, make_panel):
    study = make_study(sections=1, items_per_section=1)
    panel = make_panel(study, n=2)
    round_ = open_round(study, closes_at=utcnow() + timedelta(days=7))
    close_round(round_)
    empty = Section(study=study, code="S2", title="Empty", position=2)
    db.session.add(empty)
    suggestion = Suggestion(round_id=round_.id, panellist_id=panel[0].id,
                            kind=SuggestionKind.NEW_ITEM, text="Ask about housing.")
    db.session.add(suggestion)
    db.session.flush()
    item = add_item_from_suggestion(suggestion, text="Ask about housing.", section=empty,
                                    code="S2.1")
    assert item.position == 1
