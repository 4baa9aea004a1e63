"""Runs INSIDE the sandbox, with the harness (main.py): learner clients built
before the run. Like main.py it imports nothing from the repository.

A boto3 client costs 5 to 8 ms of CPU to build (a copy of the session's
event handlers, the service's endpoint rules parsed, its class made), and a
learner's module builds two to four when it is imported: most of the time
between the start of a run and the learner's first call. So the sandbox
zygote builds one client of each service a lab may use, exactly as
`boto3.client(name)` would, before it forks; in the run, the first
`boto3.client(name)` given nothing but the name takes that client instead of
building one.

It is the client that call would have built: made by the same default
session, from the same environment and event handlers, with boto3's own
code, and used for nothing before. So it is given only while all of that is
unchanged. A call with any other argument, a second call for the same
service, or a call after the learner's code has replaced the default
session, changed an AWS_ variable, or registered a handler or set a setting
on the session, builds a new client, as boto3 always does.
"""

import os

# What a client's construction reads and the learner's code can change
# through botocore's public API; a call to any of these on the default
# session, or on its event emitter, retires the spares.
SESSION_SETTERS = (
    "set_config_variable", "set_credentials", "set_default_client_config", "register", "unregister",
    "register_component", "lazy_register_component",
)
EMITTER_SETTERS = ("register", "register_first", "register_last", "unregister")

_spares: dict = {}
_state = {"session": None, "environment": None, "changed": False}


def _environment() -> dict:
    return {key: value for key, value in os.environ.items() if key.startswith("AWS_")}


def _retire_on_call(owner, names) -> None:
    for name in names:
        original = getattr(owner, name)

        def setter(*args, __original=original, **kwargs):
            _state["changed"] = True
            return __original(*args, **kwargs)

        setattr(owner, name, setter)


def make(services) -> None:
    """In the sandbox zygote, after boto3_patches.install(): one spare client
    per service, and boto3.client() taught to hand them out."""
    import boto3

    session = boto3.DEFAULT_SESSION
    for service in services:
        client = _spares[service] = session.client(service)
        # Its paginator models too, which a client loads on its first get_paginator.
        client.can_paginate(next(iter(client.meta.method_to_api_mapping)))
        _resolve_endpoint(client)
    _state.update(session=session, environment=_environment(), changed=False)
    _retire_on_call(session._session, SESSION_SETTERS)
    _retire_on_call(session._session.get_component("event_emitter"), EMITTER_SETTERS)
    build = boto3.client

    def client(*args, **kwargs):
        spare = _take(args, kwargs)
        return spare if spare is not None else build(*args, **kwargs)

    client.__doc__, client.__wrapped__ = build.__doc__, build
    boto3.client = client


def _resolve_endpoint(client) -> None:
    """Resolve the client's endpoint once, as its first call would: botocore
    evaluates the service's endpoint rules (3 ms) and caches the answer on the
    client for the same parameters, which for most services every operation
    shares. What the run's calls resolve is the same: the parameters come
    from the same environment. A failure here only leaves the cache empty."""
    resolver = getattr(client, "_ruleset_resolver", None)
    if resolver is None:
        return
    operation = client.meta.service_model.operation_model(next(iter(client.meta.method_to_api_mapping.values())))
    try:
        resolver.construct_endpoint(operation_model=operation, call_args={}, request_context={})
    except Exception:  # noqa: BLE001 - botocore's to raise again on the learner's call, if it must
        pass


def _take(args: tuple, kwargs: dict):
    """The spare client `boto3.client(*args, **kwargs)` may return, or None."""
    if kwargs or len(args) != 1 or not isinstance(args[0], str) or args[0] not in _spares:
        return None
    import boto3

    if _state["changed"] or boto3.DEFAULT_SESSION is not _state["session"] or _environment() != _state["environment"]:
        _spares.clear()
        return None
    return _spares.pop(args[0], None)
