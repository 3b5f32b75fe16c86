"""The OpenAPI 3.1 document of the read-only API, served at ``/api/v1/openapi.json``: its paths
here, the shapes of its answers in ``openapi_schemas``."""

from __future__ import annotations

from delphi.reports.openapi_schemas import INTEGER, OBJECT, SCHEMAS, TEXT
from delphi.reports.openapi_schemas import ref as _ref


def _ok(schema: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


ERRORS = {
    "401": _error("No token, or not a valid one."),
    "404": _error("No such study visible to you, no such closed round, or no such build."),
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

BUILD_ID = {
    "name": "build_id",
    "in": "path",
    "required": True,
    "description": "The build's id, from the Location of the 202 that queued it.",
    "schema": TEXT,
}


ACCEPTED = {
    "description": "Queued: `Location` is the build's address, the body its state.",
    "headers": {"Location": {"schema": TEXT}, "Retry-After": {"schema": INTEGER}},
    "content": {"application/json": {"schema": _ref("ReportBuild")}},
}


def openapi_document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Delphi read-only API",
            "version": "1.0.0",
            "description": "Results of the Delphi studies you can see in the console, and "
            "their report files, built in the background: POST asks for one (202 Accepted, "
            "Location: the build), GET the build until its `file` is given, then GET the file "
            "(once). Send your personal API token as `Authorization: Bearer <token>`; "
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
                    "responses": {
                        "200": _ok("RoundItems", "The round's items."),
                        "202": ACCEPTED
                        | {
                            "description": "A study too large to read while "
                            "the request waits: a build of the round's JSON report was queued."
                        },
                        **ERRORS,
                    },
                }
            },
            "/studies/{slug}/reports": {
                "post": {
                    "operationId": "queueReport",
                    "summary": "Queue a report file to be built in the background.",
                    "parameters": [SLUG],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref("ReportRequest")}},
                    },
                    "responses": {
                        "202": ACCEPTED,
                        "400": _error("No such format, or a round's bundle."),
                        **ERRORS,
                    },
                }
            },
            "/studies/{slug}/reports/builds/{build_id}": {
                "get": {
                    "operationId": "getReportBuild",
                    "summary": "A build's state and, once ready, its file's address.",
                    "parameters": [SLUG, BUILD_ID],
                    "responses": {"200": _ok("ReportBuild", "The build."), **ERRORS},
                }
            },
            "/studies/{slug}/reports/builds/{build_id}/file": {
                "get": {
                    "operationId": "getReportFile",
                    "summary": "The built file, handed over once.",
                    "parameters": [SLUG, BUILD_ID],
                    "responses": {
                        "200": {"description": "The file, in its format's content type."},
                        "409": _error("Not ready yet, or the build failed."),
                        "410": _error("Downloaded already, or expired."),
                        **ERRORS,
                    },
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
