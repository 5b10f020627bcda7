"""The instant tests stop the clock at (the `frozen_clock` fixture in tests/conftest.py).

An ordinary working day, mid-morning in London: no weekend, bank holiday, midnight, month or
year end, or clock change near it, so a test that works out "today" in one place and checks
it in another cannot straddle one.
"""

import datetime as dt
from zoneinfo import ZoneInfo

FROZEN_NOW = dt.datetime(2026, 3, 10, 10, 30, tzinfo=ZoneInfo("Europe/London"))
