"""What a locked-out log-in sees (django-axes calls it: AXES_LOCKOUT_CALLABLE),
on the site's log-in page and on the admin's alike."""

from django.conf import settings
from django.shortcuts import render


def locked_out(request, original_response=None, credentials=None):
    minutes = settings.AXES_COOLOFF_MINUTES
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": minutes, "wait": f"{minutes} minute{'s' if minutes != 1 else ''}"},
        status=429,
    )
