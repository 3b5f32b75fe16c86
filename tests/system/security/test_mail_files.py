"""Messages written to files (no SMTP server) belong to their study by id, never by file name.

Two studies whose slugs share a prefix (``cpi`` and ``cpi-guidance``) each see only their own
invitations, each holding a working personal link; renaming a slug changes nothing of that; and
erasing a panellist deletes the files of their messages.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from delphi.mail.sender import dev_files, send_pending
from delphi.models import Panellist
from delphi.panel.erasure import erase_panellist
from delphi.rounds.lifecycle import open_round
from delphi.studies.operations import update_study

FILE_LINK = re.compile(r'/messages/files/([^"]+)"')


@pytest.fixture
def two_studies(app, db, make_study, make_panel):
    """``cpi`` and ``cpi-guidance``, two panellists each, round 1 open and invitations sent."""
    studies = {}
    for slug in ("cpi", "cpi-guidance"):
        study = make_study(slug=slug, sections=1, items_per_section=1)
        for k, panellist in enumerate(make_panel(study, n=2), start=1):
            panellist.email = f"{slug}-panellist-{k}@example.org"
        open_round(study)
        studies[slug] = study
    db.session.commit()
    assert send_pending().sent == 4
    return studies


def _listed(client, slug: str) -> tuple[str, list[str]]:
    response = client.get(f"/console/studies/{slug}/messages")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    return page, FILE_LINK.findall(page)


def _shown(client, slug: str, name: str):
    return client.get(f"/console/studies/{slug}/messages/files/{name}")


def _addresses_on_disk(instance: str) -> str:
    return "\n".join(path.read_text() for path in Path(instance, "mail").rglob("*")
                     if path.is_file())


def test_each_study_lists_and_opens_only_its_own_message_files(client, login_as, two_studies):
    login_as("admin")
    listed = {slug: _listed(client, slug) for slug in two_studies}
    for slug, (page, names) in listed.items():
        other = next(s for s in two_studies if s != slug)
        assert len(names) == 2, names
        assert f"{other}-panellist-" not in page
        for name in names:
            shown = _shown(client, slug, name)
            assert shown.status_code == 200
            text = shown.get_data(as_text=True)
            assert f"To: {slug}-panellist-" in text and f"To: {other}-panellist-" not in text
            assert "http://delphi.test/p/" in text
        for name in listed[other][1]:  # the other study's file under this study's address
            assert _shown(client, slug, name).status_code == 404
    assert not set(listed["cpi"][1]) & set(listed["cpi-guidance"][1])


def test_a_coordinator_of_one_study_cannot_open_the_others_files(client, login_as, two_studies):
    guidance_names = [path.name for path in dev_files(two_studies["cpi-guidance"])]
    assert len(guidance_names) == 2
    login_as("coordinator", studies=[two_studies["cpi"]])
    page, names = _listed(client, "cpi")
    assert len(names) == 2 and "cpi-guidance-panellist-" not in page
    for name in guidance_names:
        assert _shown(client, "cpi", name).status_code == 404
        assert _shown(client, "cpi-guidance", name).status_code == 404


def test_renaming_a_slug_neither_hides_nor_exposes_message_files(db, client, login_as,
                                                                  two_studies):
    update_study(two_studies["cpi-guidance"], {"slug": "guidance"})
    update_study(two_studies["cpi"], {"slug": "cpi-guidance"})  # the other's old slug
    db.session.commit()
    login_as("admin")
    for slug, addresses in (("guidance", "cpi-guidance-panellist-"),
                            ("cpi-guidance", "cpi-panellist-")):
        page, names = _listed(client, slug)
        assert len(names) == 2, (slug, names)
        for name in names:
            text = _shown(client, slug, name).get_data(as_text=True)
            assert f"To: {addresses}" in text
    guidance_page = _listed(client, "guidance")[0]
    assert "To: cpi-panellist-" not in guidance_page


def test_erasing_a_panellist_deletes_their_message_files(app, db, client, login_as,
                                                         two_studies):
    study = two_studies["cpi"]
    victim, kept = db.session.scalars(
        sa.select(Panellist).filter_by(study_id=study.id).order_by(Panellist.id)).all()
    victim_address, kept_address = victim.email, kept.email
    update_study(study, {"slug": "cpi-renamed"})  # a file named by slug would now be missed
    db.session.commit()
    login_as("admin")
    before = _listed(client, "cpi-renamed")[1]
    assert victim_address in _addresses_on_disk(app.instance_path)

    erase_panellist(victim)
    db.session.commit()

    on_disk = _addresses_on_disk(app.instance_path)
    assert victim_address not in on_disk
    assert kept_address in on_disk and "cpi-guidance-panellist-1@example.org" in on_disk
    page, after = _listed(client, "cpi-renamed")
    assert len(after) == 1 and kept_address in _shown(client, "cpi-renamed", after[0]).get_data(
        as_text=True)
    (gone,) = set(before) - set(after)
    assert _shown(client, "cpi-renamed", gone).status_code == 404
