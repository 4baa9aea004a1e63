"""moto's HTTP dispatcher: list moto's service packages once, not per request.

`DomainDispatcherApplication.get_backend_for_host` asks
`moto.backends.list_of_moto_modules()` on every request, which lists moto's
package folder and stats each of its ~170 entries. The folder does not change
while a process runs, so the answer is computed once. Behaviour is unchanged.
"""

from functools import cache

from moto import backends

_original = backends.list_of_moto_modules


@cache
def _modules() -> tuple[str, ...]:
    return tuple(_original())


def list_of_moto_modules():
    return iter(_modules())


def apply() -> None:
    if backends.list_of_moto_modules is not list_of_moto_modules:
        backends.list_of_moto_modules = list_of_moto_modules
