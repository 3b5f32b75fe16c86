"""Every CSV the app serves starts with one UTF-8 byte-order mark (Excel on Windows needs it to
read accents); other files are left as they are."""
from __future__ import annotations

import codecs

from flask import Response

from delphi.downloads import with_byte_order_mark

NAME = "Zoë Ó Briain,Médecin\r\n".encode()


def test_a_csv_gains_the_mark_once():
    response = with_byte_order_mark(Response(NAME, content_type="text/csv; charset=utf-8"))
    assert response.get_data() == codecs.BOM_UTF8 + NAME
    again = with_byte_order_mark(response)
    assert again.get_data() == codecs.BOM_UTF8 + NAME
    assert again.get_data().decode("utf-8-sig") == "Zoë Ó Briain,Médecin\r\n"


def test_other_files_are_left_alone():
    for content_type in ("application/json", "text/html; charset=utf-8", "application/zip"):
        response = with_byte_order_mark(Response(NAME, content_type=content_type))
        assert response.get_data() == NAME


def test_the_app_adds_the_mark_to_a_csv_it_serves(app, client, db, login_as, make_study,
                                                  make_panel):
    """The personal links CSV, built without the app's help, carries exactly one mark."""
    study = make_study(slug="accents")
    make_panel(study, n=2)
    db.session.commit()
    login_as("coordinator", studies=[study])
    response = client.post("/console/studies/accents/panel/links.csv")
    assert response.status_code == 200
    data = response.get_data()
    assert data.startswith(codecs.BOM_UTF8) and not data[3:].startswith(codecs.BOM_UTF8)
