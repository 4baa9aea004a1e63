import datetime
import zoneinfo

import pytest

from grader.emulator.cron import Cron, CronError, next_after

UTC = datetime.UTC
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def utc(*parts):
    return datetime.datetime(*parts, tzinfo=UTC)


def run_of(expression, after, count, zone=UTC):
    times, when = [], after
    for _ in range(count):
        when = next_after(expression, when, zone)
        times.append(when)
    return times


def test_every_fifteen_minutes_counts_from_the_hour():
    assert [t.minute for t in run_of("cron(0/15 * * * ? *)", utc(2026, 12, 7, 10, 7), 4)] == [15, 30, 45, 0]


def test_weekdays_at_nine_skip_the_weekend():
    # 2026-12-11 is a Friday
    assert [t.date().isoformat() for t in run_of("cron(0 9 ? * MON-FRI *)", utc(2026, 12, 11, 10, 0), 2)] == ["2026-12-14", "2026-12-15"]


def test_one_is_sunday_in_day_of_week():
    [when] = run_of("cron(30 6 ? * 1 *)", utc(2026, 12, 7, 0, 0), 1)
    assert when == utc(2026, 12, 13, 6, 30) and when.strftime("%a") == "Sun"


def test_last_day_of_month_and_last_friday_and_third_monday():
    assert next_after("cron(0 0 L * ? *)", utc(2027, 2, 1), UTC) == utc(2027, 2, 28)
    assert next_after("cron(0 0 ? * 6L *)", utc(2026, 12, 1), UTC) == utc(2026, 12, 25)
    assert next_after("cron(0 0 ? * MON#3 *)", utc(2026, 12, 1), UTC) == utc(2026, 12, 21)


def test_nearest_weekday_stays_in_the_month():
    # 2026-08-01 is a Saturday: 1W is Monday the 3rd, not Friday July 31st
    assert next_after("cron(0 12 1W * ? *)", utc(2026, 7, 31, 13), UTC) == utc(2026, 8, 3, 12)
    # 2026-11-15 is a Sunday: 15W is Monday the 16th
    assert next_after("cron(0 12 15W * ? *)", utc(2026, 11, 1), UTC) == utc(2026, 11, 16, 12)


def test_wall_clock_time_in_the_schedule_zone_follows_daylight_saving():
    winter = next_after("cron(0 9 * * ? *)", utc(2026, 12, 7), BERLIN)
    summer = next_after("cron(0 9 * * ? *)", utc(2026, 7, 7), BERLIN)
    assert winter.astimezone(UTC).hour == 8 and summer.astimezone(UTC).hour == 7


def test_a_year_field_ends_the_series():
    assert next_after("cron(0 0 1 1 ? 2027)", utc(2027, 1, 2), UTC) is None


@pytest.mark.parametrize(
    "expression, reason",
    [
        ("cron(0 9 * * *)", "6 fields"),
        ("cron(0 9 * * * *)", "exactly one of day-of-month and day-of-week"),
        ("cron(0 9 ? * ? *)", "exactly one of day-of-month and day-of-week"),
        ("cron(60 9 * * ? *)", "minutes value '60'"),
        ("cron(0 9 ? * FUNDAY *)", "day-of-week value 'FUNDAY'"),
        ("cron(0 9 * * ? 1969)", "year value '1969'"),
        ("cron(0 9-5 * * ? *)", "runs backwards"),
        ("cron(0/0 9 * * ? *)", "increment"),
        ("rate(5 minutes)", "cron(minutes hours"),
    ],
)
def test_expressions_aws_would_refuse_say_why(expression, reason):
    with pytest.raises(CronError, match=reason.replace("(", r"\(")):
        Cron(expression)
