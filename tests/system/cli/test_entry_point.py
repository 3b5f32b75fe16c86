"""The installed ``delphi`` command, run as cron or a shell runs it: in its own process.

Every command and subcommand is found by walking the command group, so a new one is covered
without a new test: each answers ``--help``, and each loads the application before its body
runs (a command without an app context fails on its first database query). The everyday
commands then run for real, in the order a study runs them, against one database per backend
and one instance folder: the tests from ``test_init_...`` on share that database and run in
file order.
"""
from __future__ import annotations

import csv
import json
import os
import re
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import current_app
from flask.cli import ScriptInfo
from sqlalchemy.orm import Session

from delphi.cli import delphi_group
from delphi.extensions import db as _db
from delphi.models import (AuditEvent, Item, MessageStatus, OutboxMessage, Panellist, Rating,
                           Response, ResponseStatus, Round, RoundItem, RoundState, StaffUser,
                           Study, utcnow)

ROOT = Path(__file__).resolve().parents[3]
DELPHI = Path(sys.executable).with_name("delphi")
BASE_URL = "http://delphi.test"
PASSWORD = "Quartz lantern orbit 1917"


def _environment(database_url: str, instance: Path) -> dict[str, str]:
    """The process environment of a ``delphi`` run: this database and instance folder, e-mail
    written to files, and nothing inherited that configures the app otherwise."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("DELPHI_", "DATABASE_", "MAIL_", "SECRET_KEY"))}
    env.update(DATABASE_URL=database_url, DELPHI_INSTANCE=str(instance),
               DELPHI_ENV="development", DELPHI_BASE_URL=BASE_URL,
               SECRET_KEY="entry-point-test-secret-key", MAIL_HOST="")
    return env


def _commands(group: click.Group, path: tuple[str, ...] = ()
              ) -> list[tuple[tuple[str, ...], click.Command]]:
    """Every group and command under ``group`` with the words that call it, ``group`` first."""
    found: list[tuple[tuple[str, ...], click.Command]] = [(path, group)]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            found += _commands(command, (*path, name))
        else:
            found.append(((*path, name), command))
    return found


COMMANDS = _commands(delphi_group)
LEAVES = [(path, command) for path, command in COMMANDS if not isinstance(command, click.Group)]


def _words(text: str) -> str:
    return " ".join(text.split())


def test_the_walk_finds_the_commands_a_study_needs():
    paths = {" ".join(path) for path, _ in COMMANDS}
    assert {"", "init", "demo", "tick", "backup", "export", "mail", "mail send", "round open",
            "round close", "responses import", "study import", "study list", "panel import",
            "panel list", "staff create"} <= paths


class _AppLoaded(Exception):
    """Raised in place of building the app: the command asked for the app before its body."""


def test_every_command_loads_the_application_before_it_runs():
    """``delphi`` (the console script) runs the group directly, without ``flask``'s own
    loading; a command made with plain ``click.command`` and no ``with_appcontext`` would fail
    with "Working outside of application context" on its first query."""
    assert not current_app, "this check needs no application context around it"

    def refuse() -> None:
        raise _AppLoaded

    without_app = []
    for path, command in LEAVES:
        context = click.Context(command, info_name=path[-1], obj=ScriptInfo(create_app=refuse))
        try:
            context.invoke(command.callback, **{param.name: None for param in command.params})
        except _AppLoaded:
            continue
        except Exception as error:  # the body ran without the app
            without_app.append(f"delphi {' '.join(path)}: {type(error).__name__}: {error}")
        else:
            without_app.append(f"delphi {' '.join(path)}: ran to the end without the app")
    assert without_app == []


# The commands run for real, in the order a study runs them --------------------------------


class Delphi:
    """The installed command with one database and one instance folder."""

    def __init__(self, url: str, folder: Path):
        self.url = url
        self.folder = folder  # the working directory, and where the test writes its files
        self.instance = folder / "instance"
        self.engine = sa.create_engine(url)

    def run(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([str(DELPHI), *args], cwd=self.folder,
                              env=_environment(self.url, self.instance), input=stdin,
                              capture_output=True, text=True, timeout=120, check=False)

    def ok(self, *args: str, stdin: str | None = None) -> str:
        """Run a command that must succeed; its standard output."""
        result = self.run(*args, stdin=stdin)
        assert result.returncode == 0, f"delphi {' '.join(args)[:200]}:\n{result.stderr}"
        return result.stdout

    def refused(self, *args: str, stdin: str | None = None) -> str:
        """Run a command that must be refused with a message (exit code 1); the message."""
        result = self.run(*args, stdin=stdin)
        assert result.returncode == 1, f"delphi {' '.join(args)[:200]}: {result.stdout}"
        assert "Traceback" not in result.stderr, result.stderr
        assert result.stdout == ""
        return result.stderr

    def write(self, name: str, text: str) -> str:
        path = self.folder / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    def session(self) -> Session:
        return Session(self.engine)

    def empty(self) -> None:
        """Delete every row, keeping the schema that ``delphi init`` built."""
        tables = list(reversed(_db.metadata.sorted_tables))
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                names = ", ".join(f'"{table.name}"' for table in tables)
                conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(table.delete())


def _drop_schema(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


# Each command's ``--help`` through the installed entry point's function, one after another in
# one process (starting Python and importing the app for each of them took most of the file's
# time); what each printed, its exit status and anything on stderr are kept apart.
HELP_SCRIPT = """
import contextlib, io, json, sys
from importlib.metadata import entry_points

main = entry_points(group="console_scripts")["delphi"].load()
pages = []
for path in json.loads(sys.argv[1]):
    out, err, code = io.StringIO(), io.StringIO(), 0
    sys.argv = ["delphi", *path, "--help"]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main()
        except SystemExit as exit:
            code = exit.code or 0
    pages.append([code, out.getvalue(), err.getvalue()])
sys.__stdout__.write(json.dumps(pages))
"""


@pytest.fixture(scope="module")
def help_pages(tmp_path_factory):
    """Every command's ``--help``, run in the background while the tests of the story below
    run theirs."""
    folder = tmp_path_factory.mktemp("delphi-help")
    env = _environment(f"sqlite:///{folder / 'never-created.sqlite3'}", folder / "instance")

    def help_of_all() -> list[subprocess.CompletedProcess]:
        paths = json.dumps([list(path) for path, _ in COMMANDS])
        run = subprocess.run([sys.executable, "-c", HELP_SCRIPT, paths], cwd=folder, env=env,
                             capture_output=True, text=True, timeout=300, check=True)
        assert run.stderr == "", run.stderr
        return [subprocess.CompletedProcess(path, code, out, err)
                for path, (code, out, err) in zip(COMMANDS, json.loads(run.stdout), strict=True)]

    pool = ThreadPoolExecutor(max_workers=1)
    yield folder, pool.submit(help_of_all)
    pool.shutdown(cancel_futures=True)


@pytest.fixture(scope="module")
def delphi(database_url, tmp_path_factory, help_pages):
    """The command on a database with no schema yet: a new SQLite file, or the PostgreSQL test
    database emptied (and rebuilt by ``delphi init`` afterwards, for the tests that follow).
    Asks for ``help_pages`` only to start them, so they run beside these tests."""
    folder = tmp_path_factory.mktemp("delphi-cli")
    postgresql = not database_url.startswith("sqlite")
    url = database_url if postgresql else f"sqlite:///{folder / 'delphi.sqlite3'}"
    if postgresql:
        _drop_schema(url)
    command = Delphi(url, folder)
    yield command
    command.engine.dispose()
    if postgresql:
        _drop_schema(url)
        command.ok("init")


def test_init_builds_the_database(delphi):
    assert delphi.ok("init") == "Database is up to date.\n"

    tables = set(sa.inspect(delphi.engine).get_table_names())
    assert {table.name for table in _db.metadata.sorted_tables} <= tables
    head = ScriptDirectory(str(ROOT / "delphi" / "migrations")).get_current_head()
    with delphi.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).all() == [(head,)]


def test_demo_loads_into_the_empty_database_once(delphi):
    output = delphi.ok("demo")

    lines = output.splitlines()
    assert lines[0].startswith("Loaded the demo study 'cpi-guidance': ")
    assert re.fullmatch(rf"Staff login: {BASE_URL}/login as admin@example\.org with password "
                        r"\S{12,} \(shown only now\)", lines[1])
    assert lines[2] == f"Sign-up page: {BASE_URL}/signup/cpi-guidance"
    assert lines[3] == "Panellist links:"
    assert len(lines) == 7
    assert all(re.fullmatch(rf"  .+ \(.+\) .+: {BASE_URL}/p/[\w-]{{20,}}", line)
               for line in lines[4:]), lines[4:]
    with delphi.session() as session:
        study = session.scalar(sa.select(Study))
        assert study.slug == "cpi-guidance"
        assert [r.state for r in study.rounds] == [RoundState.CLOSED, RoundState.OPEN]
        assert session.scalar(sa.select(sa.func.count(Panellist.id))) == 30

    again = delphi.ok("demo", "--if-empty")
    assert again == "The database already holds data; the demo was not loaded.\n"
    with delphi.session() as session:
        assert session.scalar(sa.select(sa.func.count(Study.id))) == 1
    delphi.empty()  # the study below starts from an empty database


STUDY_FILE = """\
[study]
title = "{title}"
slug = "{slug}"
contact = "team@example.org"

[consensus]
rule = "comet"
min_ratings = 3

[schedule]
reminder_days = [2]
auto_close = {auto_close}

[[sections]]
code = "S1"
title = "Preparing to work together"
items = [
  {{ code = "S1.1", text = "The worker and the individual agree to share ownership of the work." }},
  {{ code = "S1.2", text = "Decisions are made jointly." }},
]
{more}"""
SECOND_SECTION = """
[[sections]]
code = "S2"
title = "Mapping the social network"
items = [
  { code = "S2.1", text = "The worker and the individual map the network together." },
  { code = "S2.2", text = "The map includes connections made within services." },
]
"""


def test_study_import_and_list(delphi):
    main = delphi.write("main.toml", STUDY_FILE.format(
        title="Main study", slug="main-study", auto_close="false", more=SECOND_SECTION))
    deadline = delphi.write("deadline.toml", STUDY_FILE.format(
        title="Deadline study", slug="deadline-study", auto_close="true", more=""))

    assert delphi.ok("study", "import", main) == "main-study\n"
    assert delphi.ok("study", "import", deadline) == "deadline-study\n"
    assert delphi.ok("study", "list") == ("deadline-study\tsetup\t0 rounds\tDeadline study\n"
                                          "main-study\tsetup\t0 rounds\tMain study\n")
    with delphi.session() as session:
        studies = {s.slug: s for s in session.scalars(sa.select(Study))}
        assert sorted(studies) == ["deadline-study", "main-study"]
        codes = session.scalars(sa.select(Item.code).filter_by(study_id=studies["main-study"].id)
                                .order_by(Item.code)).all()
        assert codes == ["S1.1", "S1.2", "S2.1", "S2.2"]
        assert (studies["main-study"].auto_close, studies["deadline-study"].auto_close) == (
            False, True)


def test_staff_create_and_an_address_too_long_for_e_mail(delphi):
    created = delphi.ok("staff", "create", "Lead@Example.org", "--role", "admin", "--name",
                        "Lead", "--password-stdin", stdin=PASSWORD + "\n")
    assert created == "Created admin account lead@example.org.\n"

    too_long = "a" * 400 + "@example.org"
    refused = delphi.refused("staff", "create", too_long, "--role", "coordinator",
                             "--password-stdin", stdin=PASSWORD + "\n")
    assert refused == "Error: E-mail: is 412 characters long; an e-mail address has at most 254.\n"

    with delphi.session() as session:
        staff = session.scalars(sa.select(StaffUser)).all()
        assert [(s.email, s.name, s.role.value) for s in staff] == [
            ("lead@example.org", "Lead", "admin")]
        events = session.execute(sa.select(AuditEvent.actor, AuditEvent.target)
                                 .filter_by(action="staff.create")).all()
        assert events == [("command line", "lead@example.org")]


PANEL = """name,email,group
Aisha Rahman,aisha@example.org,Social workers
Gareth Llewellyn,gareth@example.org,Social workers
Mei Chen,mei@example.org,People who use services
Tom Okafor,tom@example.org,People who use services
"""
EMAILS = ["aisha@example.org", "gareth@example.org", "mei@example.org", "tom@example.org"]


def test_panel_import_and_links(delphi):
    added = delphi.ok("panel", "import", "main-study", delphi.write("panel.csv", PANEL))
    assert added == ("Added 4 panellists to main-study:\n"
                     "  People who use services: 2\n"
                     "  Social workers: 2\n"
                     "New stakeholder groups: People who use services, Social workers.\n")

    listed = [line.split("\t") for line in delphi.ok("panel", "list", "main-study").splitlines()]
    assert [row[:3] for row in listed] == [
        ["P001", "Social workers", "active"], ["P002", "Social workers", "active"],
        ["P003", "People who use services", "active"], ["P004", "People who use services",
                                                        "active"]]
    links = [row[3] for row in listed]
    assert all(re.fullmatch(rf"{BASE_URL}/p/[\w-]{{20,}}", link) for link in links), links
    assert len(set(links)) == 4
    with delphi.session() as session:
        panel = session.scalars(sa.select(Panellist).order_by(Panellist.pseudonym)).all()
        assert [p.email for p in panel] == EMAILS


def test_round_open_invites_the_panel(delphi):
    deadline = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()

    opened = delphi.ok("round", "open", "main-study", "--closes", deadline)
    assert opened == (f"Round 1 of main-study is open with 4 items, closing {deadline} 23:59 "
                      "UTC; 4 panellists are invited.\n")
    opened = delphi.ok("round", "open", "deadline-study", "--closes", deadline)
    assert opened == (f"Round 1 of deadline-study is open with 2 items, closing {deadline} "
                      "23:59 UTC; 0 panellists are invited.\n")

    with delphi.session() as session:
        assert session.scalars(sa.select(Round.state)).all() == [RoundState.OPEN] * 2
        invitations = session.execute(sa.select(OutboxMessage.to_address, OutboxMessage.kind,
                                                OutboxMessage.status)).all()
        assert sorted(invitations) == [(e, "invitation", MessageStatus.PENDING) for e in EMAILS]


def _mail_files(delphi) -> list[Path]:
    return sorted((delphi.instance / "mail").glob("*.eml"))


def test_mail_send_delivers_the_invitations(delphi):
    assert delphi.ok("mail", "send") == "4 sent, 0 to be retried, 0 failed for good.\n"

    with delphi.session() as session:
        statuses = session.scalars(sa.select(OutboxMessage.status)).all()
        assert statuses == [MessageStatus.SENT] * 4
    written = _mail_files(delphi)
    recipients = sorted(re.search(r"^To: (\S+)$", path.read_text(), re.M).group(1)
                        for path in written)
    assert recipients == EMAILS


RESPONSES_HEADER = "email,item,rating,comment\n"


def _answers(delphi) -> list[tuple]:
    with delphi.session() as session:
        return session.execute(
            sa.select(Panellist.email, RoundItem.code, Rating.value, Rating.comment)
            .join(Response, Rating.response_id == Response.id)
            .join(Panellist, Response.panellist_id == Panellist.id)
            .join(RoundItem, Rating.round_item_id == RoundItem.id)
            .order_by(Panellist.email, RoundItem.code)).all()


def test_responses_import_refuses_a_bad_file_by_line_and_column(delphi):
    bad = delphi.write("bad-responses.csv", RESPONSES_HEADER
                       + "aisha@example.org,S1.1,8,Fine\n"
                       + f"gareth@example.org,S1.1,{'5' * 5000},\n"
                       + "mei@example.org,S1.1,\u0667,\n"
                       + f"mei@example.org,S1.2,7,{'x' * 4001}\n"
                       + "tom@example.org,S1.2,3,\"Bell \a here\"\n")

    message = delphi.refused("responses", "import", "main-study", bad)

    assert message.splitlines() == [
        f"Error: {bad}, line 3, column rating: found '55555555555555555555'... (5,000 "
        "characters), expected a whole number from 1 to 9 or U (unable to rate)",
        f"{bad}, line 4, column rating: found '\u0667', expected a whole number from 1 to 9 or U "
        "(unable to rate)",
        f"{bad}, line 5, column comment: the comment is 4,001 characters long; the limit is "
        "4,000.",
        f"{bad}, line 6, column comment: the comment contains a control character (U+0007) at "
        "character 6; remove it.",
    ]
    assert _answers(delphi) == []
    with delphi.session() as session:
        assert set(session.scalars(sa.select(Response.status))) == {ResponseStatus.INVITED}


def test_responses_import_stores_the_answers(delphi):
    good = delphi.write("responses.csv", RESPONSES_HEADER + """\
aisha@example.org,S1.1,7,Central to the approach.
gareth@example.org,S1.1,8,
mei@example.org,S1.1,9,
aisha@example.org,S1.2,1,
gareth@example.org,S1.2,2,
mei@example.org,S1.2,3,
aisha@example.org,S2.1,1,
gareth@example.org,S2.1,5,
mei@example.org,S2.1,9,
""")

    imported = delphi.ok("responses", "import", "main-study", good)

    assert imported == ("Imported 9 answers from 3 panellists into round 1 of main-study, as "
                        "submitted.\n")
    assert _answers(delphi) == [
        ("aisha@example.org", "S1.1", 7, "Central to the approach."),
        ("aisha@example.org", "S1.2", 1, None), ("aisha@example.org", "S2.1", 1, None),
        ("gareth@example.org", "S1.1", 8, None), ("gareth@example.org", "S1.2", 2, None),
        ("gareth@example.org", "S2.1", 5, None), ("mei@example.org", "S1.1", 9, None),
        ("mei@example.org", "S1.2", 3, None), ("mei@example.org", "S2.1", 9, None)]


def test_tick_reminds_closes_at_the_deadline_and_sends(delphi):
    # Time passes: main-study's round opened five days ago and closes tomorrow, so its 2-day
    # reminder is due; deadline-study's round closed an hour ago and closes by itself.
    now = utcnow()
    with delphi.session() as session, session.begin():
        rounds = {r.study.slug: r for r in session.scalars(sa.select(Round))}
        rounds["main-study"].opened_at = now - timedelta(days=5)
        rounds["main-study"].closes_at = now + timedelta(days=1)
        rounds["deadline-study"].closes_at = now - timedelta(hours=1)

    output = delphi.ok("tick")

    assert output == ("1 reminders queued.\n"
                      "Closed deadline-study round 1 at its deadline.\n"
                      "Mail: 1 sent, 0 to be retried, 0 failed for good.\n")
    with delphi.session() as session:
        states = dict(session.execute(sa.select(Study.slug, Round.state).join(Round.study)).all())
        assert states == {"main-study": RoundState.OPEN, "deadline-study": RoundState.CLOSED}
        reminders = session.execute(sa.select(OutboxMessage.to_address, OutboxMessage.status)
                                    .filter_by(kind="reminder")).all()
        assert reminders == [("tom@example.org", MessageStatus.SENT)]  # the one who did not answer
    assert len(_mail_files(delphi)) == 5


def test_round_close_freezes_the_summaries(delphi):
    # Its deadline is tomorrow: closing now asks for the reason, which the report shows.
    closed = delphi.ok("round", "close", "main-study", "--reason", "Everyone has answered.")

    # S1.1 rated 7, 8, 9: in; S1.2 rated 1, 2, 3: out; S2.1 rated 1, 5, 9 and S2.2 unrated: none.
    assert closed == ("Round 1 of main-study is closed: 4 items, 1 consensus in, 1 consensus "
                      "out, 2 without consensus.\n")
    with delphi.session() as session:
        items = {ri.code: ri for ri in session.scalars(sa.select(RoundItem).join(Round)
                                                       .join(Study).filter_by(slug="main-study"))}
        assert items["S1.1"].round.state is RoundState.CLOSED
        assert {code: (ri.status, ri.summary["median"]) for code, ri in items.items()} == {
            "S1.1": ("in", 8), "S1.2": ("out", 2), "S2.1": ("none", 5), "S2.2": ("none", None)}


def test_export_writes_the_report(delphi):
    table = delphi.folder / "main-study.csv"
    written = delphi.ok("export", "main-study", "--format", "csv", "--output", str(table))
    assert written == f"Wrote {table} (csv, {table.stat().st_size:,} bytes).\n"
    with table.open(newline="", encoding="utf-8") as file:
        rows = {row["item"]: row for row in csv.DictReader(file)}
    assert {code: (row["n"], row["median"], row["consensus"]) for code, row in rows.items()} == {
        "S1.1": ("3", "8.0", "in"), "S1.2": ("3", "2.0", "out"), "S2.1": ("3", "5.0", "none"),
        "S2.2": ("0", "", "none")}

    data = delphi.folder / "main-study.json"
    written = delphi.ok("export", "main-study", "--format", "json", "--output", str(data))
    assert written == f"Wrote {data} (json, {data.stat().st_size:,} bytes).\n"
    report = json.loads(data.read_text(encoding="utf-8"))
    assert report["study"]["slug"] == "main-study"
    items = {item["item"]: item for item in report["rounds"][0]["items"]}
    assert items["S1.1"]["summary"]["median"] == 8.0
    assert items["S1.1"]["comments"] == ["Central to the approach."]


def test_backup_copies_the_database_into_the_instance_folder(delphi):
    output = delphi.ok("backup")

    match = re.fullmatch(r"Backed up the database to (\S+) \((\d+) bytes\); (.+)\.\n", output)
    assert match, output
    copy = Path(match.group(1))
    assert copy.parent == delphi.instance / "backups"
    assert copy.stat().st_size == int(match.group(2)) > 0
    if delphi.engine.dialect.name == "sqlite":
        with sqlite3.connect(copy) as restored:
            slugs = [row[0] for row in restored.execute("SELECT slug FROM study ORDER BY slug")]
        assert slugs == ["deadline-study", "main-study"]
    else:
        assert copy.read_bytes().startswith(b"PGDMP")  # pg_dump's custom format


def test_every_command_answers_help(help_pages):
    folder, pages = help_pages
    for (path, command), result in zip(COMMANDS, pages.result(), strict=True):
        called = " ".join(("delphi", *path))
        assert (result.returncode, result.stderr) == (0, ""), f"{called} --help: {result.stderr}"
        assert result.stdout.startswith(f"Usage: {called} "), result.stdout
        summary = (command.help or "").split("\n\n")[0]
        assert summary and _words(summary) in _words(result.stdout), (called, result.stdout)
        if isinstance(command, click.Group):
            listed = re.findall(r"^  (\S+)  ", result.stdout.split("Commands:")[1], re.M)
            assert listed == sorted(command.commands), (called, result.stdout)
    assert not (folder / "never-created.sqlite3").exists(), "help opened the database"
