"""The OpenAPI 3.1 document of the read-only API, served at ``/api/v1/openapi.json``."""

from __future__ import annotations

from delphi.models import Decision

NUMBER = {"type": ["number", "null"]}
INTEGER = {"type": "integer"}
TEXT = {"type": "string"}
MAYBE_TEXT = {"type": ["string", "null"]}
TIME = {"type": ["string", "null"], "format": "date-time"}
OBJECT = {"type": "object"}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _ok(schema: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


ERRORS = {
    "401": {
        "description": "No token, or not a valid one.",
        "content": {"application/json": {"schema": _ref("Error")}},
    },
    "404": {
        "description": "No such study visible to you, or no such closed round.",
        "content": {"application/json": {"schema": _ref("Error")}},
    },
}

SLUG = {
    "name": "slug",
    "in": "path",
    "required": True,
    "description": "The study's slug.",
    "schema": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$", "maxLength": 80},
}
NUMBER_PARAMETER = {
    "name": "number",
    "in": "path",
    "required": True,
    "description": "The round number.",
    "schema": {"type": "integer", "minimum": 1, "maximum": 1000},
}

SCHEMAS = {
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
                        "rounds": {"type": "array", "items": _ref("RoundState")},
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
            "summary": _ref("Summary"),
            "groups": {
                "type": "object",
                "additionalProperties": _ref("Summary"),
                "description": "Groups with at least the study's minimum size.",
            },
            "stability": {"anyOf": [_ref("Stability"), {"type": "null"}]},
            "consensus": {"enum": ["in", "out", "none"]},
            "decision": {"enum": [*(decision.value for decision in Decision), None]},
            "decision_reason": MAYBE_TEXT,
            "comments": {"type": "array", "items": TEXT},
            "comments_by_group": {"type": "array", "items": _ref("Remark")},
            "reasons": {
                "type": "array",
                "items": _ref("Remark"),
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
            "items": {"type": "array", "items": _ref("Item")},
        },
    },
}


def openapi_document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Delphi read-only API",
            "version": "1.0.0",
            "description": "Results of the Delphi studies you can see in the console. "
            "Send your personal API token as `Authorization: Bearer <token>`; "
            "coordinators see their assigned studies, admins every study.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": {
            "/studies": {
                "get": {
                    "operationId": "listStudies",
                    "summary": "The studies visible to you.",
                    "responses": {"200": _ok("StudyList", "The studies."), "401": ERRORS["401"]},
                }
            },
            "/studies/{slug}": {
                "get": {
                    "operationId": "getStudy",
                    "summary": "A study: scale, settings, rounds.",
                    "parameters": [SLUG],
                    "responses": {"200": _ok("Study", "The study."), **ERRORS},
                }
            },
            "/studies/{slug}/rounds/{number}/items": {
                "get": {
                    "operationId": "listRoundItems",
                    "summary": "The items of a closed round with their frozen statistics.",
                    "parameters": [SLUG, NUMBER_PARAMETER],
                    "responses": {"200": _ok("RoundItems", "The round's items."), **ERRORS},
                }
            },
            "/openapi.json": {
                "get": {
                    "operationId": "getOpenApi",
                    "summary": "This document.",
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "The OpenAPI document.",
                            "content": {"application/json": {"schema": OBJECT}},
                        }
                    },
                }
            },
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": SCHEMAS,
        },
    }
