"""YAML that remembers where things were, so problems can name `path:line`.

Mappings load as LineDict and sequences as LineList. Both carry `.line`
(1-based line of the node) and `.lines`, the line of each key or item.
"""

from pathlib import Path

import yaml


class LineDict(dict):
    line: int = 1
    lines: dict

    def line_of(self, key) -> int:
        return self.lines.get(key, self.line)


class LineList(list):
    line: int = 1
    lines: list

    def line_of(self, index: int) -> int:
        return self.lines[index] if index < len(self.lines) else self.line


class _Loader(yaml.SafeLoader):
    pass


def _mapping(loader, node, deep=False):
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark
            ) from None
        if key in result.lines:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = key_node.start_mark.line + 1
    return result


def _sequence(loader, node, deep=False):
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


class YamlError(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def parse_yaml(text: str, *, first_line: int = 1):
    """Parse YAML text; `first_line` offsets line numbers for embedded blocks.

    Raises YamlError with the line of the fault.
    """
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line if mark else 0) + first_line
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlError(line, f"invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise YamlError(first_line, f"invalid YAML: {exc}") from None
    _shift(data, first_line - 1)
    return data


def _shift(node, offset: int) -> None:
    if not offset:
        return
    if isinstance(node, LineDict):
        node.line += offset
        node.lines = {k: v + offset for k, v in node.lines.items()}
        for value in node.values():
            _shift(value, offset)
    elif isinstance(node, LineList):
        node.line += offset
        node.lines = [v + offset for v in node.lines]
        for value in node:
            _shift(value, offset)


def load_yaml_file(path: Path):
    """Read and parse a YAML file. Raises YamlError (line 1 for unreadable files)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise YamlError(1, "file is not valid UTF-8") from None
    except OSError as exc:
        raise YamlError(1, f"cannot read file: {exc.strerror}") from None
    return parse_yaml(text)


def parse_mapping_block(text: str, *, path, first_line: int, problems, what: str, expected: str):
    """Parse a YAML block embedded in Markdown that must be a mapping.

    Records a problem naming `what` and returns None when it is not valid YAML
    or not a mapping; `expected` says what the mapping should hold.
    """
    try:
        data = parse_yaml(text, first_line=first_line)
    except YamlError as exc:
        problems.add(path, exc.line, f"{what}: {exc.message}")
        return None
    if not isinstance(data, LineDict):
        problems.add(path, first_line, f"{what} must be a YAML mapping with {expected}")
        return None
    return data
