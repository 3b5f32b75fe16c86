"""The health probe answers without the database, so a load balancer can tell a live server."""
from __future__ import annotations


def test_healthz_says_ok_without_a_statement(client, count_queries):
    with count_queries() as statements:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok"
    assert response.headers["Cache-Control"] == "no-store"
    assert statements == []
