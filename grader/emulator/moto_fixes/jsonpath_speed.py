"""EventBridge's JSONPath expressions, parsed once each.

`jsonpath_ng.ext.parse` builds a new parser for every expression it reads
(ply's yacc tables, from the grammar's docstrings) and moto's events backend
calls it for each input path of each target of each event it delivers, the
default paths included when a target has no InputTransformer: a sixth of the
emulator's CPU in a lab that replays an archive. A parsed expression is only
ever read (`find`), so each distinct path is parsed once and kept, bounded,
since a learner's InputPathsMap chooses paths. Behaviour is unchanged: an
expression that does not parse raises as before, each time.
"""

from functools import lru_cache

import jsonpath_ng.ext

_original = jsonpath_ng.ext.parse
parse = lru_cache(maxsize=1024)(_original)


def apply() -> None:
    # moto (events/utils.py) and events_delivery import the name at call time.
    jsonpath_ng.ext.parse = parse


def warm() -> None:
    """Parse the paths moto fills every event's default template with, before
    the warm emulator forks: no run's child parses those again."""
    from moto.events.utils import EventTemplateParser

    for path in EventTemplateParser.DEFAULT_EVENT_INPUT_PATHS_MAP.values():
        parse(path)
