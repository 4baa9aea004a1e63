"""moto's in-process dispatch: each service's URL table built once.

Every call the grader makes runs in the emulator's own process, through
`BotocoreStubber`, which asks the service's backend for `urls` on each
request: the table of URL patterns and handlers, rebuilt from the service's
`urls` module every time (moto's own comment says "TODO: cache this part").
S3's backend also reloads `moto.s3.urls` to build it, twice per request:
a few per cent of the emulator's CPU in a lab whose grader reads S3. The
table depends only on the backend's class and the process's environment,
which does not change while the emulator runs, so it is built once per class.

Which service and handler a URL goes to was also looked for again on every
call: up to 183 services' URL patterns tried in turn, then the service's own
table. The answer for a URL (scheme, host and path) is now kept, in a table
of bounded size; the checks moto makes on the service each time (passthrough,
whitelist) it still makes each time, and a URL no handler takes is left to
moto's own code. Behaviour is unchanged.
"""

import re

import moto.backend_index as backend_index
from moto.core import botocore_stubber
from moto.core.base_backend import BackendDict, BaseBackend
from moto.core.config import passthrough_service, passthrough_url, service_whitelisted
from moto.core.exceptions import HTTPException, ServiceNotWhitelisted
from moto.core.utils import get_equivalent_url_in_aws_domain

_original = BaseBackend.__dict__["urls"]
_original_process_request = botocore_stubber.BotocoreStubber.process_request
_tables: dict[type, dict] = {}
MAX_ROUTES = 4096  # S3 keys are in the path: each object its own URL
_routes: dict[str, tuple] = {}  # clean URL -> (service, handler)


def urls(self):
    table = _tables.get(type(self))
    if table is None:
        table = _tables[type(self)] = _original.fget(self)
    return table


def _route(clean_url: str) -> tuple | None:
    """moto's BotocoreStubber search: the first service whose pattern matches and
    whose table has a handler for the URL."""
    import moto.backends as backends
    from moto.core import DEFAULT_ACCOUNT_ID

    for service, pattern in backend_index.backend_url_patterns:
        if not pattern.match(clean_url):
            continue
        if passthrough_service(service) or not service_whitelisted(service):
            return None  # moto's own code says what happens
        backend_dict = backends.get_backend(service)
        if isinstance(backend_dict, BackendDict):
            if "us-east-1" in backend_dict[DEFAULT_ACCOUNT_ID]:
                backend = backend_dict[DEFAULT_ACCOUNT_ID]["us-east-1"]
            else:
                backend = backend_dict[DEFAULT_ACCOUNT_ID]["aws"]
        else:
            backend = backend_dict["global"]
        for url, handler in backend.urls.items():
            if re.compile(url).match(clean_url):
                return service, handler
    return None


def process_request(self, request):
    """moto's BotocoreStubber.process_request, with the route of a URL kept."""
    parsed_url, _ = get_equivalent_url_in_aws_domain(request.url)
    clean_url = f"{parsed_url.scheme}://{parsed_url.netloc}{parsed_url.path}"
    if passthrough_url(clean_url):
        return None
    route = _routes.get(clean_url)
    if route is None:
        route = _route(clean_url)
        if route is None:
            return _original_process_request(self, request)
        if len(_routes) >= MAX_ROUTES:
            _routes.clear()
        _routes[clean_url] = route
    service, handler = route
    if passthrough_service(service):
        return None
    if not service_whitelisted(service):
        raise ServiceNotWhitelisted(service)
    from moto.moto_api import recorder

    normalized_request = botocore_stubber.normalize_request(request)
    try:
        recorder._record_request(normalized_request)
        status, headers, body = handler(normalized_request, normalized_request.raw_url, normalized_request.headers)
    except HTTPException as e:
        status = e.code
        headers = e.get_headers()
        body = e.get_body()
    return status, headers, body


def apply() -> None:
    BaseBackend.urls = property(urls, doc=_original.__doc__)
    botocore_stubber.BotocoreStubber.process_request = process_request
