"""moto's look-up of a request's action method, remembered per class.

`BaseResponse.call_action` asks `moto.core.utils.method_names_from_class` for
every request, which runs `inspect.getmembers` over the response class (some
hundreds of attributes, about 22 microseconds) to learn whether the action
is one of its methods. The answer is kept per class (as a frozenset:
call_action only asks `in`), and listed again when a class along its MRO
gains or loses an attribute, as our own fixes add actions (sqs_move_tasks):
a fix applied after the first request is still seen. Behaviour is unchanged.
"""

from moto.core import responses, utils

_original = utils.method_names_from_class
_known: dict[type, tuple[tuple[int, ...], frozenset[str]]] = {}  # class -> (its shape when listed, its names)


def _shape(clazz: type) -> tuple[int, ...]:
    return tuple(len(vars(base)) for base in clazz.__mro__)


def method_names_from_class(clazz: type) -> frozenset[str]:
    known = _known.get(clazz)
    if known is None or known[0] != _shape(clazz):
        names = frozenset(_original(clazz))
        # The shape after listing: reading every attribute can itself add some to a class.
        known = _known[clazz] = (_shape(clazz), names)
    return known[1]


def apply() -> None:
    # moto.core.responses bound the function by name when it imported it.
    if responses.method_names_from_class is _original:
        responses.method_names_from_class = method_names_from_class
