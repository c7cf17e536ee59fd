"""Frontmatter serialisation: a mapping of plain values -> a YAML block.

Only PyYAML's safe dumper (libyaml's when available) writes YAML, so a scraped title like ``yes``, ``010``,
``2024-01-01``, ``- item`` or ``!!python/object/apply:os.system`` is quoted as a
string and reads back unchanged through MkDocs' own parser
(``mkdocs.utils.meta.get_data``).  ``sort_keys=False`` keeps the contract's
key order; ``width`` is unbounded so long titles stay on one line.
"""

from __future__ import annotations

from typing import Mapping

import yaml


# PyYAML writes these raw under allow_unicode, and YAML then reads them as line
# breaks.  The clean stage removes them; if one still arrives, the dump falls
# back to escaped ASCII rather than change the value.
_YAML_BREAKS = ("\x85", "\u2028", "\u2029")


def _has_yaml_break(value: object) -> bool:
    if isinstance(value, str):
        return any(ch in value for ch in _YAML_BREAKS)
    if isinstance(value, Mapping):
        return any(_has_yaml_break(k) or _has_yaml_break(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_has_yaml_break(v) for v in value)
    return False


# libyaml's emitter when PyYAML was built with it (the wheels are): the same
# bytes as the pure-Python SafeDumper at a fraction of the cost, which
# dominated the write stage at 10,000 threads (bench/results).
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


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
