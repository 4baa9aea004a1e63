from django.shortcuts import render


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse({"error": "not found"}, status=404)
    return render(request, "404.html", {"path": request.path}, status=404)
