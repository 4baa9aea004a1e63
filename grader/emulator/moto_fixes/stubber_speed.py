"""moto's in-process dispatch: each service's URL table built once.

Every call the grader makes runs in the emulator's own process, through
`BotocoreStubber`, which asks the service's backend for `urls` on each
request: the table of URL patterns and handlers, rebuilt from the service's
`urls` module every time (moto's own comment says "TODO: cache this part").
S3's backend also reloads `moto.s3.urls` to build it, twice per request:
a few per cent of the emulator's CPU in a lab whose grader reads S3. The
table depends only on the backend's class and the process's environment,
which does not change while the emulator runs, so it is built once per class.
Behaviour is unchanged.
"""

from moto.core.base_backend import BaseBackend

_original = BaseBackend.__dict__["urls"]
_tables: dict[type, dict] = {}


def urls(self):
    table = _tables.get(type(self))
    if table is None:
        table = _tables[type(self)] = _original.fget(self)
    return table


def apply() -> None:
    BaseBackend.urls = property(urls, doc=_original.__doc__)
