from django.shortcuts import render

from accounts.api_errors import api_error_response


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return api_error_response("not found", status=404)
    return render(request, "404.html", {"path": request.path}, status=404)
