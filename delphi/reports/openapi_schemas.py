"""The shapes of the read-only API's answers, for its OpenAPI document (``openapi``)."""

from __future__ import annotations

from delphi.models import Decision
from delphi.reports import FORMATS
from delphi.reports.builds import BUNDLE, BuildState

NUMBER = {"type": ["number", "null"]}
INTEGER = {"type": "integer"}
TEXT = {"type": "string"}
MAYBE_TEXT = {"type": ["string", "null"]}
TIME = {"type": ["string", "null"], "format": "date-time"}
OBJECT = {"type": "object"}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


STATES = [v for k, v in vars(BuildState).items() if k.isupper()]

SCHEMAS = {
    "ReportRequest": {
        "type": "object",
        "required": ["format"],
        "properties": {
            "format": {"enum": [*FORMATS, BUNDLE]},
            "round": {"type": "integer", "description": "A closed round; left out: the study."},
        },
        # The bundle covers the whole study: it has no round of its own.
        "if": {"properties": {"format": {"const": BUNDLE}}},
        "then": {"not": {"required": ["round"]}},
    },
    "ReportBuild": {
        "type": "object",
        "required": ["id", "format", "state", "file_name", "file"],
        "properties": {
            "id": TEXT,
            "format": TEXT,
            "round": {"type": ["integer", "null"]},
            "state": {"enum": STATES},
            "file_name": TEXT,
            "content_type": TEXT,
            "size": {"type": ["integer", "null"], "description": "Bytes, once ready."},
            "rounds_read": INTEGER,
            "rounds_total": INTEGER,
            "message": {**MAYBE_TEXT, "description": "Why the build failed."},
            "queued_at": TIME,
            "finished_at": TIME,
            "expires_at": {**TIME, "description": "When a ready or failed build expires."},
            "file": {**MAYBE_TEXT, "description": "The file's address, once ready."},
        },
    },
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["status", "message"],
                "properties": {"status": INTEGER, "message": TEXT},
            }
        },
    },
    "RoundState": {
        "type": "object",
        "required": ["number", "state"],
        "properties": {"number": INTEGER, "state": {"enum": ["draft", "open", "closed"]}},
    },
    "StudyList": {
        "type": "object",
        "required": ["studies"],
        "properties": {
            "studies": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["slug", "title", "status", "rounds"],
                    "properties": {
                        "slug": TEXT,
                        "title": TEXT,
                        "status": {"enum": ["setup", "running", "complete"]},
                        "rounds": {"type": "array", "items": ref("RoundState")},
                    },
                },
            }
        },
    },
    "Study": {
        "type": "object",
        "required": ["slug", "title", "description", "status", "scale", "settings", "rounds"],
        "properties": {
            "slug": TEXT,
            "title": TEXT,
            "description": TEXT,
            "status": {"enum": ["setup", "running", "complete"]},
            "scale": {
                "type": "object",
                "required": ["min", "max", "labels", "unable_to_rate"],
                "properties": {
                    "min": INTEGER,
                    "max": INTEGER,
                    "labels": {"type": "object", "additionalProperties": TEXT},
                    "unable_to_rate": {"type": "boolean"},
                },
            },
            "settings": {
                "type": "object",
                "description": "The consensus definition stated before round 1.",
            },
            "rounds": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": [
                        "number",
                        "state",
                        "opened_at",
                        "closes_at",
                        "closed_at",
                        "invited",
                        "responded",
                    ],
                    "properties": {
                        "number": INTEGER,
                        "state": {"enum": ["draft", "open", "closed"]},
                        "opened_at": TIME,
                        "closes_at": TIME,
                        "closed_at": TIME,
                        "invited": INTEGER,
                        "responded": INTEGER,
                    },
                },
            },
        },
    },
    "Summary": {
        "type": "object",
        "description": "An item's statistics as the consensus engine froze them.",
        "required": [
            "n",
            "n_unable",
            "n_missing",
            "counts",
            "median",
            "q1",
            "q3",
            "iqr",
            "pct_low",
            "pct_mid",
            "pct_high",
            "status",
            "reason",
        ],
        "properties": {
            "n": INTEGER,
            "n_unable": INTEGER,
            "n_missing": INTEGER,
            "counts": {"type": "object", "additionalProperties": INTEGER},
            **{
                k: NUMBER
                for k in (
                    "median",
                    "q1",
                    "q3",
                    "iqr",
                    "mean",
                    "sd",
                    "p30",
                    "p70",
                    "ipr",
                    "ipr_central",
                    "asymmetry",
                    "ipras",
                    "pct_low",
                    "pct_mid",
                    "pct_high",
                )
            },
            "disagreement": {"type": ["boolean", "null"]},
            "status": {"enum": ["in", "out", "none"]},
            "reason": TEXT,
        },
    },
    "Stability": {
        "type": "object",
        "description": "Change against the previous round, over panellists who rated "
        "the item in both, for an item whose wording is the same in both rounds; a reworded "
        "item has comparison 'not comparable (reworded)' and no measure.",
        "required": ["n_paired", "pct_changed", "stable"],
        "properties": {
            "n_paired": INTEGER,
            "pct_changed": NUMBER,
            "mean_abs_change": NUMBER,
            "pct_region_changed": NUMBER,
            "net_change": NUMBER,
            "wilcoxon_p": NUMBER,
            "stable": {"type": ["boolean", "null"]},
            "comparison": {"type": "string"},
        },
    },
    "Item": {
        "type": "object",
        "required": [
            "section",
            "section_title",
            "item",
            "text",
            "origin",
            "summary",
            "groups",
            "stability",
            "consensus",
            "decision",
            "decision_reason",
            "comments",
        ],
        "properties": {
            "section": TEXT,
            "section_title": TEXT,
            "item": TEXT,
            "text": TEXT,
            "origin": {"enum": ["guidance", "suggestion", "rewording"]},
            "summary": ref("Summary"),
            "groups": {
                "type": "object",
                "additionalProperties": ref("Summary"),
                "description": "Groups with at least the study's minimum size.",
            },
            "stability": {"anyOf": [ref("Stability"), {"type": "null"}]},
            "consensus": {"enum": ["in", "out", "none"]},
            "decision": {"enum": [*(decision.value for decision in Decision), None]},
            "decision_reason": MAYBE_TEXT,
            "comments": {"type": "array", "items": TEXT},
            "comments_by_group": {"type": "array", "items": ref("Remark")},
            "reasons": {
                "type": "array",
                "items": ref("Remark"),
                "description": "Reasons given for ratings outside the interquartile range.",
            },
            "argument_summary": MAYBE_TEXT,
        },
    },
    "Remark": {
        "type": "object",
        "required": ["group", "text"],
        "properties": {
            "group": {
                "type": "string",
                "description": 'The writer\'s stakeholder group, or "another group" for a group '
                "below the study's minimum size in the round.",
            },
            "text": TEXT,
        },
    },
    "RoundItems": {
        "type": "object",
        "required": ["round", "settings", "items"],
        "properties": {
            "round": INTEGER,
            "settings": {"type": ["object", "null"]},
            "items": {"type": "array", "items": ref("Item")},
        },
    },
}
