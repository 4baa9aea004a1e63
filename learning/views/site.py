from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from learning.context_processors import THEMES


@require_POST
def theme(request):
    """Store the chosen theme in a cookie; works as a plain form post without JavaScript."""
    choice = request.POST.get("theme", "auto")
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    response.set_cookie("theme", choice if choice in THEMES else "auto", max_age=365 * 24 * 3600, samesite="Lax")
    return response
