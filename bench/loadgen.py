"""A small HTTP load generator, run in its own process: ``python -m bench.loadgen ...``.

Each of ``--clients`` threads sends requests one after another to a server on loopback, until
``--seconds`` have passed or ``--max-requests`` were sent in all. Prints one JSON object:
requests, errors, seconds, requests per second and latency percentiles in milliseconds.

Scenarios: ``trivial`` (GET /healthz), ``page`` (GET a panellist's questionnaire section) and
``submit`` (POST every rating of that section, with the CSRF token and session cookie the page
gave; a 302 to the next page is success). Each thread uses its own panellists' links in turn.
"""
from __future__ import annotations

import argparse
import http.client
import json
import re
import sys
import threading
import time
from urllib.parse import urlencode

import numpy as np

LOOPBACK = "127.0.0.1"
SECTION_PATH = "/p/{token}/round/{number}/section/1"


def _request(port: int, method: str, path: str, body: str | None = None,
             headers: dict | None = None) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection(LOOPBACK, port, timeout=60)
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


class Client:
    """One simulated panellist: knows the request to send and the status that means success."""

    def __init__(self, scenario: str, port: int, tokens: list[str], number: int) -> None:
        self.port = port
        if scenario == "trivial":
            self.paths = ["/healthz"]
        else:
            self.paths = [SECTION_PATH.format(token=token, number=number) for token in tokens]
        self.path, self.sent = self.paths[0], 0
        self.method, self.body, self.headers, self.expected = "GET", None, {}, 200
        if scenario == "submit":
            self._prepare_submission()

    def _prepare_submission(self) -> None:
        connection = http.client.HTTPConnection(LOOPBACK, self.port, timeout=60)
        connection.request("GET", self.path)
        response = connection.getresponse()
        page = response.read().decode()
        connection.close()
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
        cookie = response.getheader("Set-Cookie", "").split(";")[0]
        items = sorted(set(re.findall(r'name="rating-(\d+)"', page)), key=int)
        if response.status != 200 or csrf is None or not cookie or not items:
            raise SystemExit(f"The section page did not give a form to submit "
                             f"(status {response.status}).")
        fields = {"csrf_token": csrf.group(1), "action": "save"}
        fields.update({f"rating-{ident}": str(1 + k % 9) for k, ident in enumerate(items)})
        self.method, self.body, self.expected = "POST", urlencode(fields), 302
        self.headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
        self.ratings = len(items)

    def send(self) -> bool:
        # Links in turn, so that no link nears the per-link rate limit.
        self.path = self.paths[self.sent % len(self.paths)]
        self.sent += 1
        response = _request(self.port, self.method, self.path, self.body, self.headers)
        return response.status == self.expected


def run(scenario: str, port: int, tokens: list[str], count: int, number: int, seconds: float,
        max_requests: int) -> dict:
    """``count`` clients share the links, each using its own in turn."""
    clients = [Client(scenario, port, tokens[i::count], number) for i in range(count)]
    latencies: list[list[float]] = [[] for _ in clients]
    errors = [0] * len(clients)
    sent = iter(range(max_requests))
    lock = threading.Lock()
    start_line = threading.Barrier(len(clients) + 1)
    deadline = [0.0]

    def work(index: int) -> None:
        start_line.wait()
        while time.perf_counter() < deadline[0]:
            with lock:
                if next(sent, None) is None:
                    return
            began = time.perf_counter()
            try:
                ok = clients[index].send()
            except OSError:
                ok = False
            latencies[index].append(time.perf_counter() - began)
            errors[index] += 0 if ok else 1

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    deadline[0] = time.perf_counter() + seconds
    began = time.perf_counter()
    start_line.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    every = np.array([t for per_client in latencies for t in per_client]) * 1000
    return {
        "scenario": scenario,
        "clients": len(clients),
        "requests": int(every.size),
        "errors": sum(errors),
        "seconds": elapsed,
        "rps": every.size / elapsed,
        "p50_ms": float(np.percentile(every, 50)) if every.size else None,
        "p99_ms": float(np.percentile(every, 99)) if every.size else None,
        "ratings_per_request": getattr(clients[0], "ratings", None),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", choices=["trivial", "page", "submit"], required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--tokens", required=True, help="A JSON file: a list of link tokens.")
    parser.add_argument("--round", type=int, default=2, dest="number")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--max-requests", type=int, default=20_000)
    args = parser.parse_args(argv)
    with open(args.tokens) as f:
        tokens = json.load(f)
    if len(tokens) < args.clients:
        raise SystemExit(f"{args.tokens} holds {len(tokens)} tokens; {args.clients} are needed.")
    figures = run(args.scenario, args.port, tokens, args.clients, args.number, args.seconds,
                  args.max_requests)
    json.dump(figures, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
