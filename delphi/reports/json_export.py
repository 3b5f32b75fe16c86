"""The report as JSON: the study, its consensus definition, and every round with its items.

Structure (all numbers as the engine froze them):

    {"format": "delphi-report", "version": 1, "generated_at": ISO time,
     "study": {"slug", "title", "description", "scale": {"min", "max", "labels", "unable_to_rate"},
               "min_group_size"},
     "settings": the consensus definition as stated before round 1 (ConsensusSettings.to_dict()),
     "settings_words": [sentences],
     "rounds": [{"number", "state", "opened_at", "closes_at", "closed_at", "settings",
                 "participation": {"invited", "responded", "response_rate", "invited_by_group",
                                   "responded_by_group", "responded_previous", "retained", "lost"},
                 "flow": {"rated", "carried_in", "new_wordings", "from_suggestions", "status_in",
                          "status_out", "status_none", "decided": {decision: n}, "overridden"},
                 "items": [{"section", "section_title", "item", "text", "origin", "reworded_from",
                            "summary",
                            "groups": {group: summary}, "stability", "consensus", "decision",
                            "decision_reason", "comments": [text],
                            "comments_by_group": [{"group", "text"}],
                            "reasons": [{"group", "text"}], "argument_summary"}],
                 "section_comments": [{"section", "section_title", "group", "text"}],
                 "suggestions": [{"kind", "section", "item", "group", "text", "outcome",
                                  "resulting_item", "reason"}]}],
     "final_items": [{"section", "items": [{"item", "text", "round"}]}],
     "excluded_items": [{"section", "items": [{"item", "text", "round"}]}],
     "rewordings": [{"round", "old_item", "old_text", "new_item", "new_text", "reason"}],
     "participation": [{"round", "group" ("" overall), "invited", "responded",
                        "response_rate_pct"}],
     "participant_flow": [{"round", "group", "invited", "opened", "draft_only",
                           "submitted_online", "paper", "submitted", "joined", "lost",
                           "withdrawn", "drafts_left_out", "close_reason"}],
     "item_flow": [{"round", "rated", ..., "decisions_overridden"}],
     "final_status": [{"section", "item", "text", "origin", "reworded_from", "final_status"
                       (in, out, unresolved, being_rated), "settled_in_round", "median",
                       "decision_reason"}],
     "decisions": [{"when_utc", "who" (a staff name), "action", "target", "details"}],
     "panel_characteristics": null or {"min_group_size", "suppressed", "panellists",
                                       "responders": {round: n},
                                       "rows": [{"question", "text", "answer", "overall",
                                                 "rounds": {round: n}}]},
     "protocol": {key: text (rounds_planned: a number), null when not reported},
     "methods": [{"topic", "anchor", "text"}], "limitations": [{"topic", "text"}],
     "accord_checklist": [{"item", "section", "topic", "status", "answered_in": [anchor],
                           "field_to_fill": [field]}]}

``summary`` has the engine's fields (n, n_unable, n_missing, counts, median, q1, q3, iqr, mean,
sd, p30, p70, ipr, ipr_central, asymmetry, ipras, disagreement, pct_low, pct_mid, pct_high,
status, reason). Only reported rounds (closed ones) carry items. A comment's "group" is the
writer's stakeholder group, or "another group" for a group with fewer submitted responses in the
round than the study's min_group_size; "reasons" are those given for ratings outside the
interquartile range; a suggestion's "outcome" is pending, new_item, new_wording or declined.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime

from delphi.consent.characteristics import as_dict as characteristics_dict
from delphi.reports.authoring import authoring_dict
from delphi.reports.data import ItemRow, RoundReport, StudyReport
from delphi.reports.remarks import Remark, SuggestionOutcome
from delphi.reports.story import as_records, story_tables


def iso_time(value: datetime | None) -> str | None:
    return value.isoformat() + "Z" if value is not None else None


def _remark(remark: Remark) -> dict:
    return {"group": remark.group, "text": remark.text}  # asdict's result, without its deep copy


def item_dict(row: ItemRow) -> dict:
    return {
        "section": row.section_code,
        "section_title": row.section_title,
        "item": row.code,
        "text": row.text,
        "origin": row.origin,
        "reworded_from": row.reworded_from,
        "summary": row.summary,
        "groups": row.group_summaries,
        "stability": row.stability,
        "consensus": row.status,
        "decision": row.decision,
        "decision_reason": row.decision_reason,
        "comments": row.comments,
        "comments_by_group": [_remark(remark) for remark in row.remarks],
        "reasons": [_remark(remark) for remark in row.reasons],
        "argument_summary": row.argument_summary,
    }


def _suggestion(s: SuggestionOutcome) -> dict:
    return {
        "kind": s.kind,
        "section": s.section_code,
        "item": s.item_code,
        "group": s.group,
        "text": s.text,
        "outcome": s.outcome,
        "resulting_item": s.resulting_code,
        "reason": s.reason,
    }


def _final(sections: list[tuple[str, list[ItemRow]]]) -> list[dict]:
    return [
        {
            "section": title,
            "items": [{"item": row.code, "text": row.text, "round": row.round} for row in rows],
        }
        for title, rows in sections
    ]


def _round(report: StudyReport, round_: RoundReport) -> dict:
    p = round_.participation
    reported = round_.number in report.reported_rounds
    return {
        "number": round_.number,
        "state": round_.state,
        "opened_at": iso_time(round_.opened_at),
        "closes_at": iso_time(round_.closes_at),
        "closed_at": iso_time(round_.closed_at),
        "settings": round_.settings,
        "participation": {
            "invited": p.invited,
            "responded": p.responded,
            "response_rate": p.rate,
            "invited_by_group": p.invited_by_group,
            "responded_by_group": p.responded_by_group,
            "responded_previous": p.responded_previous,
            "retained": p.retained,
            "lost": p.lost,
        },
        "flow": asdict(round_.flow) if round_.flow is not None and reported else None,
        "items": [item_dict(row) for row in round_.items] if reported else [],
        "section_comments": [
            {
                "section": s.code,
                "section_title": s.title,
                "group": remark.group,
                "text": remark.text,
            }
            for s in round_.section_comments
            for remark in s.remarks
        ]
        if reported
        else [],
        "suggestions": [_suggestion(s) for s in round_.suggestions] if reported else [],
    }


def report_dict(report: StudyReport) -> dict:
    study = report.study
    return {
        "format": "delphi-report",
        "version": 1,
        "generated_at": iso_time(report.generated_at),
        "study": {
            "slug": study.slug,
            "title": study.title,
            "description": study.description,
            "scale": {
                "min": study.scale_min,
                "max": study.scale_max,
                "labels": study.scale_labels,
                "unable_to_rate": study.unable_to_rate,
            },
            "min_group_size": study.min_group_size,
        },
        "settings": report.settings,
        "settings_words": report.settings_words,
        "rounds": [_round(report, r) for r in report.rounds],
        "final_items": _final(report.final_items),
        "excluded_items": _final(report.excluded_items),
        "rewordings": [
            {
                "round": r.round,
                "old_item": r.old_code,
                "old_text": r.old_text,
                "new_item": r.new_code,
                "new_text": r.new_text,
                "reason": r.reason,
            }
            for r in report.rewordings
        ],
        "panel_characteristics": characteristics_dict(report.characteristics),
        # participation, participant_flow, item_flow, final_status, decisions: records
        **{t[0].lower().replace(" ", "_"): as_records(t) for t in story_tables(report)},
        **authoring_dict(report),  # protocol, methods, limitations, accord_checklist
    }


def export_json(report: StudyReport) -> bytes:
    """The report as compact JSON (no indentation: the standard library's C encoder writes it,
    where an indent falls back to its Python one, about three times slower on a large study;
    any JSON viewer lays it out)."""
    return json.dumps(report_dict(report), ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8"
    )
