"""A simulated panel, run in its own process: ``python -m tests.system.reliability.simulate ...``.

Every panellist is a thread that goes through round 2 as a person would, on loopback only: open
the link, open section 1, save half of it as a draft, autosave the rest, then rate every item of
every section with a comment, review, submit and see the confirmation. Meanwhile ``--staff``
threads sign in and load the round dashboard and read the round 1 report until the panel
has finished. A request that fails (connection lost or a 5xx) is retried up to ``--retries``
times, as a panellist pressing reload would.

Writes one JSON report: what each panellist sent and whether their submission was acknowledged
(a redirect to the confirmation page), every status seen, 5xx pages, requests per second and
latency percentiles. The count of threads and the run time are bounded.
"""
from __future__ import annotations

import argparse
import http.client
import json
import re
import threading
import time
from collections import Counter
from urllib.parse import urlencode

LOOPBACK = "127.0.0.1"
MAX_PANELLISTS = 500
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_RATING = re.compile(r'name="rating-(\d+)"')
_SECTIONS = re.compile(r'value="goto-(\d+)"')


class Browser:
    """One person's browser: a session cookie and requests that are timed and recorded."""

    def __init__(self, port: int, log: Recorder, retries: int, retry_delay: float):
        self.port, self.log, self.retries, self.retry_delay = port, log, retries, retry_delay
        self.cookie = ""

    def once(self, kind: str, method: str, path: str, form: dict | None = None):
        body = urlencode(form) if form is not None else None
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if form is not None else {}
        if self.cookie:
            headers["Cookie"] = self.cookie
        began = time.perf_counter()
        connection = http.client.HTTPConnection(LOOPBACK, self.port, timeout=120)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
        except (OSError, http.client.HTTPException) as error:
            self.log.request(kind, None, time.perf_counter() - began, type(error).__name__)
            return None, "", ""
        finally:
            connection.close()
        self.log.request(kind, response.status, time.perf_counter() - began,
                         text if response.status >= 500 else None)
        cookie = response.getheader("Set-Cookie")
        if cookie and cookie.startswith("session="):
            self.cookie = cookie.split(";")[0]
        return response.status, response.getheader("Location", ""), text

    def send(self, kind: str, method: str, path: str, form: dict | None = None):
        """The request, retried after a lost connection or a 5xx."""
        for attempt in range(self.retries + 1):
            status, location, text = self.once(kind, method, path, form)
            if status is not None and status < 500:
                return status, location, text
            if attempt < self.retries:
                time.sleep(self.retry_delay)
        return status, location, text


class Recorder:
    """Every request's kind, status and time, shared by the threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.timings: dict[str, list[float]] = {}
        self.statuses: Counter = Counter()
        self.server_errors: list[str] = []
        self.failures: Counter = Counter()

    def request(self, kind: str, status: int | None, seconds: float, detail: str | None) -> None:
        with self.lock:
            self.timings.setdefault(kind, []).append(seconds)
            self.statuses[str(status)] += 1
            if status is None:
                self.failures[detail or "error"] += 1
            elif status >= 500 and len(self.server_errors) < 20:
                self.server_errors.append(f"{kind} {status}: {detail[:3000]}")


def value_for(panellist: int, item_id: int) -> int:
    return (panellist * 7 + item_id * 3) % 9 + 1


def comment_for(panellist: int, item_id: int) -> str:
    return f"Panellist {panellist} on item {item_id}: <b>as I see it</b> & =SUM(1)"


def panellist_journey(index: int, token: str, number: int, browser: Browser, result: dict,
                      pause: float, start: float) -> None:
    """One panellist's round, as described in the module docstring; fills ``result``."""
    base = f"/p/{token}/round/{number}"
    result.update(index=index, acknowledged=False, sent={}, steps=[])
    time.sleep(start)
    status, _, _ = browser.send("welcome", "GET", f"/p/{token}")
    result["steps"].append(("welcome", status))
    status, _, page = browser.send("section page", "GET", f"{base}/section/1")
    csrf = _CSRF.search(page)
    if status != 200 or csrf is None:
        result["steps"].append(("section page", status))
        return
    token_field = {"csrf_token": csrf.group(1)}
    sections = max([int(n) for n in _SECTIONS.findall(page)] or [1])
    items = sorted({int(i) for i in _RATING.findall(page)})
    half = len(items) // 2
    draft = {f"rating-{i}": str(value_for(index, i)) for i in items[:half]}
    status, _, _ = browser.send("save draft", "POST", f"{base}/section/1",
                                {**token_field, **draft, "action": "save"})
    result["steps"].append(("draft", status))
    time.sleep(pause)
    rest = {f"rating-{i}": str(value_for(index, i)) for i in items[half:]}
    status, _, _ = browser.send("autosave", "POST", f"{base}/autosave", {**token_field, **rest})
    result["steps"].append(("autosave", status))
    for section in range(1, sections + 1):
        if section > 1:
            status, _, page = browser.send("section page", "GET", f"{base}/section/{section}")
            items = sorted({int(i) for i in _RATING.findall(page)})
        form = dict(token_field, action="next")
        for item in items:
            form[f"rating-{item}"] = str(value_for(index, item))
            form[f"comment-{item}"] = comment_for(index, item)
        status, _, _ = browser.send("save section", "POST", f"{base}/section/{section}", form)
        result["steps"].append((f"section {section}", status))
        if status == 302:
            result["sent"].update({str(i): [value_for(index, i), comment_for(index, i)]
                                   for i in items})
        time.sleep(pause)
    status, _, _ = browser.send("review", "GET", f"{base}/review")
    status, location, _ = browser.send("submit", "POST", f"{base}/submit", token_field)
    result["steps"].append(("submit", status))
    result["acknowledged"] = status == 302 and location.endswith(f"{base}/done")
    if result["acknowledged"]:
        browser.send("confirmation", "GET", f"{base}/done")


def staff_work(port: int, slug: str, email: str, password: str, recorder: Recorder,
               finished: threading.Event) -> None:
    """Sign in, then load the dashboard and read the round 1 report until the panel is done."""
    browser = Browser(port, recorder, retries=3, retry_delay=0.5)
    _, _, page = browser.send("staff sign-in", "GET", "/login")
    csrf = _CSRF.search(page)
    status, _, _ = browser.send("staff sign-in", "POST", "/login", {
        "csrf_token": csrf.group(1) if csrf else "", "email": email, "password": password})
    if status != 302:
        return
    while not finished.is_set():
        browser.send("dashboard", "GET", f"/console/studies/{slug}/rounds/")
        browser.send("report export", "GET", f"/console/studies/{slug}/reports/view?round=1")


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def at(share: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000, 1)

    return {"count": len(ordered), "p50_ms": at(0.50), "p90_ms": at(0.90), "p99_ms": at(0.99),
            "max_ms": round(ordered[-1] * 1000, 1)} if ordered else {"count": 0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--tokens", required=True, help="JSON file: the panellists' tokens")
    parser.add_argument("--slug", required=True)
    parser.add_argument("--round", type=int, default=2, dest="number")
    parser.add_argument("--staff", type=int, default=2)
    parser.add_argument("--staff-email", required=True)
    parser.add_argument("--staff-password", required=True)
    parser.add_argument("--retries", type=int, default=0)
    parser.add_argument("--retry-delay", type=float, default=0.5)
    parser.add_argument("--pause", type=float, default=0.0, help="seconds between steps")
    parser.add_argument("--stagger", type=float, default=0.0,
                        help="panellist n starts n times this many seconds late")
    parser.add_argument("--output", required=True)
    args = parser.parse_args()
    with open(args.tokens) as f:
        tokens = json.load(f)[:MAX_PANELLISTS]

    recorder = Recorder()
    results: list[dict] = [{} for _ in tokens]
    finished = threading.Event()
    staff = [threading.Thread(target=staff_work, args=(
        args.port, args.slug, args.staff_email, args.staff_password, recorder, finished))
        for _ in range(args.staff)]
    panel = [threading.Thread(target=panellist_journey, args=(
        index, token, args.number, Browser(args.port, recorder, args.retries, args.retry_delay),
        results[index], args.pause, index * args.stagger)) for index, token in enumerate(tokens)]
    began = time.perf_counter()
    for thread in staff + panel:
        thread.start()
    for thread in panel:
        thread.join(timeout=900)
    finished.set()
    for thread in staff:
        thread.join(timeout=120)
    seconds = time.perf_counter() - began

    every = [t for timings in recorder.timings.values() for t in timings]
    report = {
        "panellists": len(tokens),
        "seconds": round(seconds, 2),
        "requests": len(every),
        "requests_per_second": round(len(every) / seconds, 1),
        "latency": percentiles(every),
        "latency_by_kind": {kind: percentiles(t) for kind, t in recorder.timings.items()},
        "statuses": dict(recorder.statuses),
        "server_errors": recorder.server_errors,
        "connection_failures": dict(recorder.failures),
        "acknowledged": sum(1 for r in results if r.get("acknowledged")),
        "results": results,
    }
    with open(args.output, "w") as f:
        json.dump(report, f)


if __name__ == "__main__":
    main()
