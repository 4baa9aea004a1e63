from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from classes.templatetags.due_dates import due


def test_a_date_this_year_leaves_the_year_out_and_another_years_shows_it():
    paris = ZoneInfo("Europe/Paris")
    with timezone.override(paris):
        now = timezone.localtime(timezone.now())
        this_year = now.replace(month=1, day=1, hour=12, minute=0)
        assert due(this_year) == this_year.strftime("%a %-d %b, 12:00")
        later = now.replace(year=now.year + 1, month=3, day=6, hour=17, minute=0)
        assert due(later) == later.strftime("%a %-d %b %Y, 17:00")
        assert due(later, False) == later.strftime("%-d %b %Y, 17:00")


def test_the_date_is_read_in_the_current_zone():
    new_years_eve = datetime(2030, 12, 31, 23, 30, tzinfo=ZoneInfo("UTC"))
    with timezone.override(ZoneInfo("Asia/Tokyo")):
        assert due(new_years_eve) == "Wed 1 Jan 2031, 08:30"
    assert due(None) == ""
