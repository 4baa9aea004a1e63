"""moto's per-service server apps, called without Flask around them.

In server mode moto routes each request to a Flask app per service, whose
only work is to match the path against the service's URL table and call
moto's handler (`convert_to_flask_response`). The Flask around it (a request
and an app context pushed and popped, CORS headers for browsers, debug-mode
form checks, signals) was a quarter of the emulator's CPU for each of the
learner's requests. `DirectApp` does the same two steps with the same parts:
the app's own URL map and request class, the handler's own callback, moto's
recorder, and the same Response (Flask's, so the default content type stays
what it was). HTTP errors moto raises (its RESTError family) are answered
with themselves, as Flask answers them; any other exception propagates, as
it did with moto's apps in debug mode, and the server answers 500.
"""

from typing import Any

from botocore.exceptions import ClientError
from flask import Response
from moto.moto_api import recorder
from werkzeug.exceptions import HTTPException


class DirectApp:
    """A WSGI app answering as `flask_app` (one of moto's backend apps) would."""

    def __init__(self, flask_app: Any):
        self.url_map = flask_app.url_map
        self.views = flask_app.view_functions
        self.request_class = flask_app.request_class

    def __call__(self, environ, start_response):
        request = self.request_class(environ)
        try:
            # As Flask binds it for an app without SERVER_NAME or subdomain matching.
            endpoint, _arguments = self.url_map.bind_to_environ(environ, server_name=None, subdomain="").match()
            response = self._respond(self.views[endpoint], request)
        except HTTPException as error:
            response = error
        return response(environ, start_response)

    @staticmethod
    def _respond(view, request) -> Response:
        """moto's convert_to_flask_response.__call__, with the request passed in
        rather than read from Flask's context."""
        recorder._record_request(request)
        try:
            # `raw_url`, as moto passes in every mode (`url` is percent-decoded).
            result = view.callback(request, request.raw_url, dict(request.headers))
        except ClientError as exc:
            result = 400, {}, exc.response["Error"]["Message"]
        if len(result) == 3:
            status, headers, content = result
        else:
            status, headers, content = 200, {}, result
        response = Response(response=content, status=status, headers=headers)
        if request.method == "HEAD" and "content-length" in headers:
            response.headers["Content-Length"] = headers["content-length"]
        return response
