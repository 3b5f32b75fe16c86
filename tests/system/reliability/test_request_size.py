"""A request body over the limit (12 MB) is refused from its Content-Length alone, before any of
it is read, with a 413 page a person can read; on every route, signed in or not."""
from __future__ import annotations

import io

import pytest

from delphi.panel.tokens import token_for
from delphi.rounds.lifecycle import open_round

HUGE = 300 * 1024 * 1024


class CountedBody(io.RawIOBase):
    """A body of ``size`` bytes made as it is read, counting what the app reads of it (no 300 MB
    in memory). The test client measures it by seeking to its end."""

    def __init__(self, size: int = HUGE):
        self.size, self.position, self.read_bytes = size, 0, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self.position = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[
            whence] + offset
        return self.position

    def tell(self) -> int:
        return self.position

    def readinto(self, buffer) -> int:
        count = max(0, min(len(buffer), self.size - self.position))
        buffer[:count] = b"x" * count
        self.position += count
        self.read_bytes += count
        return count


def test_the_limit_is_12_mb(app):
    assert app.config["MAX_CONTENT_LENGTH"] == 12 * 1024 * 1024


@pytest.fixture
def link(db, make_study, make_panel):
    study = make_study(slug="big-bodies")
    (panellist,) = make_panel(study, n=1)
    open_round(study)
    db.session.commit()
    return f"/p/{token_for(panellist)}"


@pytest.mark.parametrize("rest", ["/round/1/autosave", "/round/1/section/1", "/round/1/submit"])
def test_a_300_mb_anonymous_post_is_refused_with_a_readable_413(client, link, rest):
    body = CountedBody()

    response = client.post(link + rest, input_stream=body,
                           content_type="application/x-www-form-urlencoded")

    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "<h1>Request Entity Too Large</h1>" in page
    assert ("What was sent is larger than 12 MB, the most this site accepts in one request, so "
            "none of it was read or saved. A file to import may be at most 10 MB") in page
    assert body.read_bytes == 0


@pytest.mark.parametrize("path", ["/login", "/", "/console/studies/import", "/healthz"])
def test_any_route_refuses_it_before_reading(client, path):
    body = CountedBody()
    response = client.post(path, input_stream=body,
                           content_type="multipart/form-data; boundary=x")
    assert response.status_code == 413
    assert "larger than 12 MB" in response.get_data(as_text=True)
    assert body.read_bytes == 0


def test_a_signed_in_upload_over_the_limit_is_refused_too(client, login_as):
    login_as("admin")
    body = CountedBody(13 * 1024 * 1024)
    response = client.post("/console/studies/import", input_stream=body,
                           content_type="multipart/form-data; boundary=x")
    assert response.status_code == 413
    assert "larger than 12 MB" in response.get_data(as_text=True)
    assert body.read_bytes == 0


def test_a_body_under_the_limit_is_read_as_usual(client, link):
    response = client.post(link + "/round/1/autosave", data={"comment-999": "x" * 1000})
    assert response.status_code == 400  # read, and refused for what it says, not its size
    assert "not in round 1" in response.get_data(as_text=True)
