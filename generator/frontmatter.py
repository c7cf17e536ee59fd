"""Frontmatter serialisation: a mapping of plain values -> a YAML block.

Only PyYAML's safe dumper (libyaml's when available) writes YAML, so a scraped title like ``yes``, ``010``,
``2024-01-01``, ``- item`` or ``!!python/object/apply:os.system`` is quoted as a
string and reads back unchanged through MkDocs' own parser
(``mkdocs.utils.meta.get_data``).  ``sort_keys=False`` keeps the contract's
key order; ``width`` is unbounded so long titles stay on one line.
"""

from __future__ import annotations

import json
from typing import Mapping

import yaml


# PyYAML writes these raw under allow_unicode, and YAML then reads them as line
# breaks.  The clean stage removes them; if one still arrives, the dump falls
# back to escaped ASCII rather than change the value.
_YAML_BREAKS = ("\x85", "\u2028", "\u2029")


def _has_yaml_break(value: object) -> bool:
    # One JSON dump (C speed) holds every key and string as written: JSON
    # escapes only control characters below U+0020 and quotes.
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return _walk_for_break(value)
    return any(ch in text for ch in _YAML_BREAKS)


def _walk_for_break(value: object) -> bool:
    if isinstance(value, str):
        return any(ch in value for ch in _YAML_BREAKS)
    if isinstance(value, Mapping):
        return any(_walk_for_break(k) or _walk_for_break(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_walk_for_break(v) for v in value)
    return False


# libyaml's emitter when PyYAML was built with it (the wheels are): the same
# bytes as the pure-Python SafeDumper at a fraction of the cost, which
# dominated the write stage at 10,000 threads (bench/results).
_SAFE_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_TAG = "tag:yaml.org,2002:"


class _PlainDumper(_SAFE_DUMPER):  # type: ignore[misc,valid-type]
    """The safe dumper, with a direct path for the plain values frontmatter
    holds (str, int, bool, None, list, dict): the nodes SafeRepresenter
    would build, without its per-value type dispatch (a tenth of rendering a
    page).  Anything else, and sorted keys or automatic flow style, take
    SafeRepresenter's own path; a list or dict met twice still becomes an
    alias.  tests/test_properties.py checks the bytes equal safe_dump's."""

    def represent_data(self, data: object) -> yaml.Node:
        kind = type(data)
        if kind is str:
            return yaml.ScalarNode(_TAG + "str", data, style=self.default_style)
        if kind is int:
            return yaml.ScalarNode(_TAG + "int", str(data), style=self.default_style)
        if kind is bool:
            return yaml.ScalarNode(_TAG + "bool", "true" if data else "false", style=self.default_style)
        if data is None:
            return yaml.ScalarNode(_TAG + "null", "null", style=self.default_style)
        if (kind is list or kind is dict) and self.default_flow_style is not None and not self.sort_keys:
            known = self.represented_objects.get(id(data))
            if known is not None:
                return known
            self.object_keeper.append(data)
            self.alias_key = None
            node: yaml.Node
            if kind is list:
                items: list[yaml.Node] = []
                node = yaml.SequenceNode(_TAG + "seq", items, flow_style=self.default_flow_style)
                self.represented_objects[id(data)] = node
                items.extend(self.represent_data(item) for item in data)  # type: ignore[attr-defined]
            else:
                pairs: list[tuple[yaml.Node, yaml.Node]] = []
                node = yaml.MappingNode(_TAG + "map", pairs, flow_style=self.default_flow_style)
                self.represented_objects[id(data)] = node
                for key, value in data.items():  # type: ignore[attr-defined]
                    pairs.append((self.represent_data(key), self.represent_data(value)))
            return node
        return super().represent_data(data)


_DUMPER = _PlainDumper


def dump_frontmatter(meta: Mapping[str, object]) -> str:
    text = yaml.dump(
        dict(meta),
        Dumper=_DUMPER,
        sort_keys=False,
        allow_unicode=not _has_yaml_break(meta),
        width=2**31 - 1,
        default_flow_style=False,
    )
    return f"---\n{text}---\n"
