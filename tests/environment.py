"""Facts about the test run that test modules share: whether this is CI, and the demo's as-of date."""

from __future__ import annotations

import datetime as dt
import os

DEMO_AS_OF = dt.date(2026, 10, 31)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")  # in CI a missing browser or database fails
