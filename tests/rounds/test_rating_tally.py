"""The rating tally the dashboard reads equals a fresh count of the ratings after every change:
submissions, resubmissions with other ratings, drafts saved over a submission, withdrawals,
erasures and imports in a random order, and submissions running at the same time."""
from __future__ import annotations

import random
import threading
from collections import Counter
from datetime import timedelta

import pytest

from delphi.models import (
    Panellist,
    Rating,
    RatingTally,
    Response,
    ResponseStatus,
    Round,
    RoundItem,
    TallyKind,
    utcnow,
)
from delphi.panel.erasure import erase_panellist
from delphi.panel.operations import withdraw
from delphi.rounds.answers import Answer, response_for, save_answers
from delphi.importing import InvalidFile
from delphi.refusal import Refused
from delphi.rounds.lifecycle import open_round
from delphi.rounds.responses_import import import_responses

ITEMS = 4


def _counted_afresh(db, round_id: int) -> Counter:
    """Each item's answers among the round's submitted responses, counted here from the
    ratings: (item code, answer) -> responses, the answer a point, "unable" or "missing"."""
    codes = dict(db.session.execute(
        db.select(RoundItem.id, RoundItem.code).where(RoundItem.round_id == round_id)).all())
    submitted = db.session.scalars(db.select(Response.id).where(
        Response.round_id == round_id, Response.status == ResponseStatus.SUBMITTED)).all()
    stored = {(response_id, item): (value, unable)
              for response_id, item, value, unable in db.session.execute(
                  db.select(Rating.response_id, Rating.round_item_id, Rating.value, Rating.unable))}
    counted: Counter = Counter()
    for response_id in submitted:
        for item, code in codes.items():
            value, unable = stored.get((response_id, item), (None, False))
            counted[code, "unable" if unable else "missing" if value is None else value] += 1
    return counted


def _tally(db, round_id: int) -> Counter:
    """The stored tally in the same terms (rows counting nobody left out)."""
    rows = db.session.execute(
        db.select(RoundItem.code, RatingTally.kind, RatingTally.point, RatingTally.n)
        .join(RoundItem, RoundItem.id == RatingTally.round_item_id)
        .where(RatingTally.round_id == round_id, RatingTally.n != 0))
    return Counter({(code, point if kind is TallyKind.POINT else kind.value): n
                    for code, kind, point, n in rows})


def _answers(rng: random.Random, items: list[RoundItem]) -> list[Answer]:
    """Answers to some of the items: a point, "unable to rate" or nothing chosen."""
    answers = []
    for ri in rng.sample(items, rng.randint(1, len(items))):
        choice = rng.choice(["point"] * 4 + ["unable", "none"])
        answers.append(Answer(ri.id, value=rng.randint(1, 9) if choice == "point" else None,
                              unable=choice == "unable"))
    return answers


def _import(rng: random.Random, db, study, round_id: int, items: list[RoundItem]) -> None:
    """Import paper answers for some panellists who did not submit online."""
    online = set(db.session.scalars(db.select(Response.panellist_id).where(
        Response.round_id == round_id, Response.status == ResponseStatus.SUBMITTED,
        Response.imported.is_(False))))
    panel = [p for p in db.session.scalars(db.select(Panellist).filter_by(study_id=study.id))
             if p.active and p.id not in online]
    if not panel:
        return
    lines = ["email,item,rating"]
    for p in rng.sample(panel, rng.randint(1, len(panel))):
        for ri in rng.sample(items, rng.randint(1, len(items))):
            lines.append(f"{p.email},{ri.code},{rng.choice(['U', '', *map(str, range(1, 10))])}")
    import_responses(study, ("\n".join(lines) + "\n").encode(), "answers.csv",
                     consent_on_paper=True)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_tally_equals_a_fresh_count_after_every_change(db, make_study, make_panel, seed):
    rng = random.Random(seed)
    study = make_study(sections=1, items_per_section=ITEMS, unable_to_rate=True)
    panel = make_panel(study, n=8)
    round_id = open_round(study, closes_at=utcnow() + timedelta(days=7)).id
    db.session.commit()
    done: Counter = Counter()
    for _ in range(40):
        round_ = db.session.get(Round, round_id)
        items = sorted(round_.round_items, key=lambda ri: ri.position)
        panellist: Panellist = rng.choice(panel)
        step = rng.choice(["submit"] * 5 + ["draft"] * 2 + ["import"] * 2
                          + ["withdraw", "erase"])
        try:
            if step == "import":
                _import(rng, db, study, round_id, items)
            elif step == "withdraw":
                withdraw(panellist)
            elif step == "erase":
                erase_panellist(panellist)
            else:
                save_answers(response_for(round_, panellist), _answers(rng, items),
                             submit=step == "submit")
        except (Refused, InvalidFile):
            db.session.rollback()  # refused (withdrawn, erased, a bad file): nothing changed
        else:
            db.session.commit()
            done[step] += 1
        db.session.expire_all()
        assert _tally(db, round_id) == _counted_afresh(db, round_id), (seed, step, done)
    # The sequence exercised resubmissions of changed ratings and the bulk and erasing paths.
    assert done["submit"] >= 5 and done["import"] >= 1 and done["erase"] + done["withdraw"] >= 1


def test_submissions_at_the_same_time_lose_no_count(app, db, make_study, make_panel):
    """Twelve panellists submit, then change their ratings, all at once (PostgreSQL runs them
    side by side; SQLite one writer at a time)."""
    study = make_study(sections=1, items_per_section=ITEMS)
    panel = make_panel(study, n=12)
    round_ = open_round(study, closes_at=utcnow() + timedelta(days=7))
    db.session.commit()
    round_id, panellist_ids = round_.id, [p.id for p in panel]
    item_ids = [ri.id for ri in round_.round_items]
    start = threading.Barrier(len(panellist_ids))
    failures: list[BaseException] = []

    def answer(panellist_id: int, k: int) -> None:
        try:
            with app.test_request_context("/", method="POST"):
                start.wait(timeout=30)
                for value in (1 + k % 9, 9 - k % 9):  # submitted, then changed
                    response = response_for(db.session.get(Round, round_id),
                                            db.session.get(Panellist, panellist_id))
                    save_answers(response, [Answer(i, value=value) for i in item_ids],
                                 submit=True)
                    db.session.commit()
                db.session.remove()
        except BaseException as error:  # reported below
            failures.append(error)

    threads = [threading.Thread(target=answer, args=(pid, k))
               for k, pid in enumerate(panellist_ids)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    db.session.expire_all()
    # Panellist k finally rates every item 9 - k % 9: 9, 8, 7, ..., 1, then 9, 8, 7 again.
    final = {9: 2, 8: 2, 7: 2, 6: 1, 5: 1, 4: 1, 3: 1, 2: 1, 1: 1}
    expected = Counter({(f"S1.{i}", value): n for i in range(1, ITEMS + 1)
                        for value, n in final.items()})
    assert _tally(db, round_id) == expected == _counted_afresh(db, round_id)


def test_delphi_round_recount_corrects_a_wrong_count_and_says_so(db, cli, make_study, make_panel,
                                                                 submit):
    study = make_study(sections=1, items_per_section=ITEMS)
    panel = make_panel(study, n=3)
    db.session.commit()
    refused = cli("round", "recount", study.slug)
    assert refused.exit_code == 1
    assert f"No round of {study.slug} is open; only an open round is counted." in refused.output
    round_ = open_round(study, closes_at=utcnow() + timedelta(days=7))
    for panellist, value in zip(panel, (2, 5, 5), strict=True):
        submit(round_, panellist, {"S1.1": value, "S1.2": "U" if value == 2 else value})
    db.session.commit()
    round_id = round_.id
    right = _counted_afresh(db, round_id)

    result = cli("round", "recount", study.slug)
    assert result.exit_code == 0, result.output
    assert result.output == f"Counted the ratings of round 1 of {study.slug} again: every count " \
                            "was right.\n"

    db.session.execute(db.update(RatingTally).where(  # as if a count had drifted
        RatingTally.round_id == round_id, RatingTally.kind == TallyKind.POINT,
        RatingTally.point == 5).values(n=RatingTally.n + 3))
    db.session.commit()
    result = cli("round", "recount", study.slug)
    assert result.exit_code == 0, result.output
    # 5 was given to S1.1 and S1.2 (twice each): two counts were wrong.
    assert result.output == f"Counted the ratings of round 1 of {study.slug} again: 2 counts " \
                            "differed and were corrected.\n"
    db.session.expire_all()
    assert _tally(db, round_id) == right
    assert right[("S1.1", 5)] == 2 and right[("S1.2", "unable")] == 1
    assert right[("S1.3", "missing")] == 3
