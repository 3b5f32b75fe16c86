"""Running a test on one database only, for work that does not depend on the database."""
from __future__ import annotations

import pytest

# For a test whose costly part reads nothing the database could change: printing a report page
# as PDF (the page itself is checked on both databases), generated template drawings, a
# browser's handling of a page. It runs on SQLite alone instead of repeating that part on
# PostgreSQL; everything the database does for it is checked on both by the tests beside it.
sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

# For a test of what only PostgreSQL does (its planner's statistics): without a PostgreSQL URL
# it is skipped, as every PostgreSQL test is, and CI sets one.
postgresql_only = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
