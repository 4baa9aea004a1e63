"""How a due date reads: the year only when it is not this year's, so a date
a year or more away is never taken for this year's."""

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format

register = template.Library()


@register.filter
def due(value, with_weekday=True):
    """`value` in the current time zone (set by `{% timezone %}`), as
    "Fri 6 Mar, 17:00", or "Fri 6 Mar 2027, 17:00" in another year."""
    if not value:
        return ""
    local = timezone.localtime(value)
    same_year = local.year == timezone.localtime(timezone.now()).year
    pattern = ("D " if with_weekday else "") + ("j M, H:i" if same_year else "j M Y, H:i")
    return date_format(local, pattern)
