"""A report states the consensus definition by each declared setting's own sentence: a setting
added to the declaration table is stated without any change to the reports, a setting the
study's rule does not use is not stated, and a setting missing from an older record reads as the
engine's default (no app needed)."""
from __future__ import annotations

import dataclasses

from delphi.consensus import ConsensusSettings
from delphi.consensus import definition
from delphi.reports import settings as report_settings


def _words(**changes) -> list[str]:
    return report_settings.describe_settings(ConsensusSettings(**changes).to_dict())


def test_the_sentences_state_the_chosen_values():
    text = " ".join(_words(agreement=80, opposite_max=10, opposite_inclusive=True,
                           min_ratings=7, per_group=True, quantiles="weibull"))
    # COMET on the default 1-9 scale: regions 1-3 and 7-9.
    assert ("Consensus in: at least 80% of ratings in the high region (7-9) and at most 10% "
            "in the low region (1-3).") in text
    assert "An item needs at least 7 ratings for any consensus." in text
    assert "Consensus must also hold within every stakeholder group." in text
    assert "Quantiles: Weibull plotting positions (Hyndman & Fan type 6" in text
    assert "fewer than 10% in the low region" in " ".join(_words(opposite_max=10))
    assert "stakeholder group" not in " ".join(_words(per_group=False))


def test_a_setting_the_rule_does_not_use_is_not_stated():
    text = " ".join(_words(rule="percent", percent=75, agreement=80))
    assert "at least 75% of ratings in the high region (7-9)" in text
    assert "80%" not in text and "COMET" not in text


def test_a_setting_declared_with_a_sentence_is_stated_without_a_change_to_reports(monkeypatch):
    added = dataclasses.replace(
        definition.BY_ENGINE["min_ratings"], engine="min_ratings", label="Panel size",
        sentence="The panel of this study had {min_ratings} members at least (regions {low}, "
        "{high}).",
    )
    only_rand = dataclasses.replace(added, sentence="Never stated under COMET.", rules=("rand",))
    monkeypatch.setattr(report_settings, "SETTINGS", (*definition.SETTINGS, added, only_rand))
    words = _words(min_ratings=6)
    assert "The panel of this study had 6 members at least (regions 1-3, 7-9)." in words
    assert "Never stated under COMET." not in words


def test_a_setting_missing_from_an_older_record_reads_as_the_default():
    # An older record without min_ratings or stability_max: the engine reads both as defaults
    # (5 ratings, 15%), and so does the report, rather than stating "None".
    record = ConsensusSettings().to_dict()
    del record["min_ratings"], record["stability_max"]
    text = " ".join(report_settings.describe_settings(record))
    assert "An item needs at least 5 ratings for any consensus." in text
    assert "fewer than 15% of the panellists who rated it in both rounds" in text
    assert "None" not in text
