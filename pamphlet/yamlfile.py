"""Strict YAML for untrusted files: safe types, no aliases, no duplicate keys, lines kept."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


class YamlMap(dict[str, Any]):
    """A mapping read from YAML that remembers each key's line and each scalar's source text."""

    lines: dict[str, int]
    raw: dict[str, str]


class YamlList(list[Any]):
    """A list read from YAML that remembers each item's line and each scalar item's source text."""

    lines: list[int]
    raw: list[str | None]


class _Loader(yaml.SafeLoader):
    def __init__(self, stream: str, first_line: int) -> None:
        super().__init__(stream)
        self.first_line = first_line

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise yaml.MarkedYAMLError(None, None, "aliases (*name) are not allowed", mark)
        return super().compose_node(parent, index)

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, LookupError, AttributeError, ArithmeticError):
            # PyYAML's constructors trust their input: '!!bool maybe', '!!int x', 2023-13-01, 5000 digits
            tag = node.tag.rsplit(":", 1)[-1]
            problem = f"expected a valid {tag}, got {describe(node.value)}"
            raise yaml.MarkedYAMLError(None, None, problem, node.start_mark) from None

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if not isinstance(node, yaml.MappingNode):
            raise yaml.MarkedYAMLError(None, None, f"expected a mapping, got {node.id}", node.start_mark)
        result = YamlMap()
        result.lines, result.raw = {}, {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                raise yaml.MarkedYAMLError(None, None, f"expected a key name, got {key!r}", key_node.start_mark)
            if key in result:
                first = self.first_line - 1 + result.lines[key]
                raise yaml.MarkedYAMLError(
                    None, None, f"duplicate key '{key}' (first on line {first})", key_node.start_mark
                )
            result[key] = self.construct_object(value_node, deep=True)
            result.lines[key] = key_node.start_mark.line + 1
            if isinstance(value_node, yaml.ScalarNode):
                result.raw[key] = value_node.value
        return result

    def construct_yaml_list(self, node: Any) -> YamlList:
        if not isinstance(node, yaml.SequenceNode):
            raise yaml.MarkedYAMLError(None, None, f"expected a list, got {node.id}", node.start_mark)
        result = YamlList(self.construct_object(child, deep=True) for child in node.value)
        result.lines = [child.start_mark.line + 1 for child in node.value]
        result.raw = [child.value if isinstance(child, yaml.ScalarNode) else None for child in node.value]
        return result


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _Loader.construct_yaml_list)


def parse(text: str, path: Path, first_line: int = 1) -> YamlMap:
    """Parse ``text`` (which starts at ``first_line`` of ``path``) into a YamlMap.

    Raises ValueError with a ``file:line: message`` text when it is not a YAML mapping.
    """
    try:
        loader = _Loader(text, first_line)
        try:
            data = loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.reader.ReaderError as err:
        line = first_line + text.count("\n", 0, err.position)
        raise ValueError(f"{path}:{line}: invalid YAML: {err.reason}: #x{err.character:04x}") from None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark
        line = first_line + (mark.line if mark else 0)
        message = ", ".join(filter(None, (err.context, err.problem)))
        raise ValueError(f"{path}:{line}: invalid YAML: {message}") from None
    except yaml.YAMLError as err:
        raise ValueError(f"{path}:{first_line}: invalid YAML: {err}") from None
    except RecursionError:
        raise ValueError(f"{path}:{first_line}: invalid YAML: nested too deeply") from None
    if data is None:
        data = YamlMap()
        data.lines, data.raw = {}, {}
    if not isinstance(data, YamlMap):
        raise ValueError(f"{path}:{first_line}: expected a mapping of keys, got {describe(data)}")
    return data


def describe(value: object) -> str:
    """A short description of a YAML value for an error message: 'a list', 'a number', ''no''."""
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return f"'{value}'" if len(value) < 40 else "text"
    if isinstance(value, list) and not value:
        return "an empty list"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:g}"
    kinds = ((bool, "a yes/no value"), (dict, "a mapping"), (list, "a list"))
    return next((name for kind, name in kinds if isinstance(value, kind)), type(value).__name__)


@dataclass
class Fields:
    """Reads typed values out of one YamlMap, collecting every problem as ``file:line: key: ...``."""

    data: YamlMap
    path: Path
    first_line: int = 1
    prefix: str = ""
    problems: list[str] = field(default_factory=list)

    def line(self, key: str) -> int:
        return self.first_line - 1 + self.data.lines.get(key, 1)

    def problem(self, key: str, message: str) -> None:
        self.problems.append(f"{self.path}:{self.line(key)}: {self.prefix}{key}: {message}")

    def unknown(self, allowed: tuple[str, ...]) -> None:
        """Report every key not in ``allowed``."""
        for key in self.data:
            if key not in allowed:
                self.problem(key, f"unknown key; expected one of: {', '.join(allowed)}")

    def text(self, key: str, required: bool = False) -> str | None:
        """A string; numbers, dates and yes/no written unquoted are kept as written."""
        if key not in self.data:
            if required:
                self.problems.append(f"{self.path}:{self.first_line}: {self.prefix}{key}: required, but missing")
            return None
        value = self.data[key]
        if isinstance(value, (bool, int, float, dt.date)):
            value = self.data.raw[key]
        if not isinstance(value, str) or not value.strip():
            self.problem(key, f"expected text, got {describe(value)}")
            return None
        return value.strip()

    def date(self, key: str) -> dt.date | None:
        """An ISO date (YYYY-MM-DD)."""
        value = self.data.get(key)
        if value is None and key not in self.data:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.problem(key, f"expected a date as YYYY-MM-DD, got {describe(value)}")
        return None

    def texts(self, key: str) -> tuple[str, ...]:
        """A list of strings (a single string counts as a list of one); unquoted scalars kept as written."""
        value = self.data.get(key)
        if value is None and key not in self.data:
            return ()
        if isinstance(value, (str, int, float, dt.date)):
            items = [self.data.raw[key]]
        elif isinstance(value, YamlList) and all(isinstance(v, (str, int, float, dt.date)) for v in value):
            items = [str(raw) for raw in value.raw]
        else:
            self.problem(key, f"expected a list of text, got {describe(value)}")
            return ()
        return tuple(item.strip() for item in items if item.strip())

    def number(self, key: str, default: float, low: float = 0.0, high: float = 1000.0) -> float:
        """A number from ``low`` to ``high`` (millimetres, counts)."""
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            self.problem(key, f"expected a number from {low:g} to {high:g}, got {describe(value)}")
            return default
        return float(value)

    def flag(self, key: str, default: bool) -> bool:
        """True or false."""
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            self.problem(key, f"expected true or false, got {describe(value)}")
            return default
        return value

    def choice(self, key: str, choices: tuple[str, ...], default: str) -> str:
        """One of ``choices`` (compared case-insensitively)."""
        value = self.text(key)
        if value is None:
            return default
        if value.lower() not in choices:
            self.problem(key, f"expected one of {', '.join(choices)}, got '{value}'")
            return default
        return value.lower()

    def language(self, key: str, default: str) -> str:
        """A BCP 47 language tag such as en, uk, ar or fil-PH."""
        value = self.text(key)
        if value is None:
            return default
        if not LANGUAGE_TAG.match(value):
            self.problem(key, f"expected a language tag such as en, uk or ar, got '{value}'")
            return default
        return value

    def mapping(self, key: str) -> Fields | None:
        """The nested mapping under ``key`` as its own Fields, sharing this one's problem list."""
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, YamlMap):
            self.problem(key, f"expected a mapping of keys, got {describe(value)}")
            return None
        return Fields(value, self.path, self.first_line, f"{self.prefix}{key}.", self.problems)
