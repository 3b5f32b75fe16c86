"""Downloading a report as the reports page does: queue its build, open the build's page, then
download the file from it (tests run the queue in Huey's immediate mode, so the build is ready
when its page opens)."""
from __future__ import annotations


def build_url(slug: str) -> str:
    return f"/console/studies/{slug}/reports/builds"


def queue_report(client, slug: str, build: str):
    """Press the reports page's button ``build`` ("csv", "pdf:2", "bundle"); the response is
    the redirect to the build's page."""
    return client.post(build_url(slug), data={"build": build})


def download_report(client, slug: str, build: str):
    """The file the button ``build`` leads to, as the build's page hands it over."""
    queued = queue_report(client, slug, build)
    assert queued.status_code == 303, queued.get_data(as_text=True)[:500]
    page = queued.headers["Location"]
    assert "Ready" in client.get(page).get_data(as_text=True)
    return client.post(f"{page}/download", data={"download": "Download"})
