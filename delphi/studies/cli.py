"""``delphi study ...``: create a study from a study file."""
from __future__ import annotations

from flask.cli import AppGroup

study_group = AppGroup("study", help="Create and export studies.")
