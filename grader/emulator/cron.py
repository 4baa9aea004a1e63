"""AWS cron expressions: `cron(minutes hours day-of-month month day-of-week year)`,
as EventBridge Scheduler (and EventBridge rules) read them.

What AWS documents, and this module follows:
- six fields; minutes 0-59, hours 0-23, day-of-month 1-31, month 1-12 or
  JAN-DEC, day-of-week 1-7 or SUN-SAT (1 is Sunday), year 1970-2199;
- `,` lists, `-` ranges, `*` every value, `/` increments (`0/15`, `*/10`,
  `5-50/5`);
- one of day-of-month and day-of-week must be `?` (any), and not both;
- day-of-month may be `L` (the month's last day) or `nW` (the weekday nearest
  day n, within the month); day-of-week may be `nL` (the month's last such
  day) or `n#k` (its k-th such day).
A wrong expression raises CronError with AWS's reason; `next_after` gives the
next time an expression names, in a time zone, after a moment.
"""

import calendar
import datetime
import re

EXPRESSION = re.compile(r"^cron\((.*)\)$")
MONTHS = {name: number for number, name in enumerate(("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1)}
DAYS = {name: number for number, name in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"), 1)}
FIELDS = (("minutes", 0, 59, {}), ("hours", 0, 23, {}), ("day-of-month", 1, 31, {}), ("month", 1, 12, MONTHS), ("day-of-week", 1, 7, DAYS), ("year", 1970, 2199, {}))
SEARCH_YEARS = 5  # how far ahead next_after looks before it says "never"


class CronError(ValueError):
    pass


def _number(text: str, field: str, low: int, high: int, names: dict) -> int:
    value = names.get(text.upper()) if not text.isdigit() else int(text)
    if value is None or not low <= value <= high:
        raise CronError(f"{field} value {text!r} is not between {low} and {high}")
    return value


def _values(text: str, field: str, low: int, high: int, names: dict) -> frozenset[int]:
    """The values a plain field (lists, ranges, `*`, increments) stands for."""
    values: set[int] = set()
    for part in text.split(","):
        base, _, step_text = part.partition("/")
        if step_text and not step_text.isdigit() or step_text == "0":
            raise CronError(f"{field} increment {step_text!r} is not a positive number")
        step = int(step_text) if step_text else 1
        if base == "*":
            first, last = low, high
        elif "-" in base:
            first_text, last_text = base.split("-", 1)
            first, last = _number(first_text, field, low, high, names), _number(last_text, field, low, high, names)
            if last < first:
                raise CronError(f"{field} range {base!r} runs backwards")
        else:
            first = _number(base, field, low, high, names)
            last = high if step_text else first
        values.update(range(first, last + 1, step))
    return frozenset(values)


class Cron:
    """One parsed expression: `matches_day` and `times_of_day` answer for a date."""

    def __init__(self, expression: str):
        match = EXPRESSION.match(expression.strip())
        if not match:
            raise CronError("a cron expression is cron(minutes hours day-of-month month day-of-week year)")
        fields = match.group(1).split()
        if len(fields) != 6:
            raise CronError(f"a cron expression has 6 fields; this one has {len(fields)}")
        minutes, hours, self.dom_text, month, self.dow_text, year = fields
        if (self.dom_text == "?") == (self.dow_text == "?"):
            raise CronError("exactly one of day-of-month and day-of-week must be ?")
        self.minutes = _values(minutes, *FIELDS[0])
        self.hours = _values(hours, *FIELDS[1])
        self.months = _values(month, *FIELDS[3])
        self.years = _values(year, *FIELDS[5])
        self.dom = self.dow = None
        if self.dom_text != "?" and self.dom_text != "L" and not re.fullmatch(r"\d+W", self.dom_text):
            self.dom = _values(self.dom_text, *FIELDS[2])
        elif re.fullmatch(r"\d+W", self.dom_text):
            _number(self.dom_text[:-1], *FIELDS[2])
        if self.dow_text != "?" and not re.fullmatch(r"\w+L|\w+#[1-5]", self.dow_text):
            self.dow = _values(self.dow_text, *FIELDS[4])
        elif self.dow_text != "?":
            _number(re.split(r"L|#", self.dow_text)[0], *FIELDS[4])

    def matches_day(self, day: datetime.date) -> bool:
        if day.year not in self.years or day.month not in self.months:
            return False
        last_day = calendar.monthrange(day.year, day.month)[1]
        weekday = day.isoweekday() % 7 + 1  # AWS: 1 is Sunday
        if self.dom_text != "?":
            if self.dom_text == "L":
                return day.day == last_day
            if self.dom_text.endswith("W"):
                return day == _nearest_weekday(day.year, day.month, int(self.dom_text[:-1]))
            return day.day in self.dom
        if self.dow_text.endswith("L"):
            wanted = _number(self.dow_text[:-1], *FIELDS[4])
            return weekday == wanted and day.day + 7 > last_day
        if "#" in self.dow_text:
            name, nth = self.dow_text.split("#")
            return weekday == _number(name, *FIELDS[4]) and (day.day - 1) // 7 + 1 == int(nth)
        return weekday in self.dow

    def times_of_day(self) -> list[datetime.time]:
        return [datetime.time(h, m) for h in sorted(self.hours) for m in sorted(self.minutes)]


def _nearest_weekday(year: int, month: int, day: int) -> datetime.date | None:
    """AWS's `nW`: day n if it is a weekday, else the nearest weekday in the same month."""
    last_day = calendar.monthrange(year, month)[1]
    if day > last_day:
        return None
    date = datetime.date(year, month, day)
    if date.weekday() == 5:  # Saturday: Friday before, or Monday after on the 1st
        return date - datetime.timedelta(days=1) if day > 1 else date + datetime.timedelta(days=2)
    if date.weekday() == 6:  # Sunday: Monday after, or Friday before on the month's last day
        return date + datetime.timedelta(days=1) if day < last_day else date - datetime.timedelta(days=2)
    return date


def next_after(expression: str | Cron, after: datetime.datetime, zone: datetime.tzinfo) -> datetime.datetime | None:
    """The first time after `after` (aware) that the expression names, read as
    wall-clock time in `zone`; None if there is none within SEARCH_YEARS."""
    cron = expression if isinstance(expression, Cron) else Cron(expression)
    local = after.astimezone(zone)
    day = local.date()
    times = cron.times_of_day()
    for _ in range(366 * SEARCH_YEARS):
        if cron.matches_day(day):
            for time in times:
                candidate = datetime.datetime.combine(day, time, tzinfo=zone)
                if candidate > after:
                    return candidate
        day += datetime.timedelta(days=1)
    return None
