"""One clock per run: the day everything is judged by, and the moment an action happens.

`today` is fixed when the clock is made: the as-of day (`--as-of`, SMILEPRESS_AS_OF) or today in
the department's time zone, so one run never straddles two days. `now()` is the real moment, for
what records when a person acted (an approval's timestamp). Core code reads neither the system
clock nor the environment: it is handed a Clock (a Project owns one) or a date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Clock:
    zone: ZoneInfo  # the department's time zone (policies/workflow.yml)
    today: dt.date  # the day the gate, the checks and the reports judge by

    @classmethod
    def start(cls, timezone: str, as_of: dt.date | None = None) -> Clock:
        """A clock for a run in `timezone`, judging as of `as_of` (default: today there)."""
        zone = ZoneInfo(timezone)
        return cls(zone, as_of or dt.datetime.now(zone).date())

    def now(self) -> dt.datetime:
        """The real moment in the department's time zone (an action's time, never the as-of day)."""
        return dt.datetime.now(self.zone)
