"""The taxonomy: API families, topics, platforms and OS names, loaded from YAML.

The taxonomy is data (``generator/taxonomy.yaml``) so that adding a family, an
alias or a cue never touches code.  This module only reads and validates it
into frozen dataclasses; matching lives in :mod:`generator.classify`.

Validation is strict because a typo in the YAML would otherwise silently file
threads on the wrong shelf: every problem raises ``ValueError`` naming the
file and the entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

import yaml

DEFAULT_PATH = Path(__file__).with_name("taxonomy.yaml")

_ID = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_PLATFORM_ID = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
_VERSION = re.compile(r"^\d{1,2}(?:\.\d{1,2}){0,2}$")
_SEPARATORS = re.compile(r"[\s\-]+")


def cue_key(cue: str) -> str:
    """The form two cues are compared in: case-folded, spaces = hyphens."""
    return _SEPARATORS.sub(" ", cue.strip()).casefold()


@dataclass(frozen=True)
class Scoring:
    """Weights and thresholds of the classifier (see taxonomy.yaml)."""

    title_weight: float = 3.0
    body_weight: float = 1.0
    answer_weight: float = 0.5
    weak_strength: float = 0.5
    repeat_bonus: float = 0.5
    max_repeats: int = 3
    family_min: float = 1.0
    family_ratio: float = 0.25
    lone_mention_ratio: float = 0.6
    first_mention_bonus: float = 0.5
    platform_min: float = 0.5
    platform_ratio: float = 0.3
    topic_min: float = 2.0
    max_chars: int = 40000


@dataclass(frozen=True)
class Family:
    """A Network Extension API family, e.g. ``content-filter``."""

    id: str
    name: str
    description: str
    doc_url: str
    platforms: tuple[str, ...]
    symbols: tuple[str, ...]
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Topic:
    """A concern that cuts across families, e.g. ``system-extension``."""

    id: str
    name: str
    description: str
    cues: tuple[str, ...]
    weak_cues: tuple[str, ...] = ()


@dataclass(frozen=True)
class Platform:
    """An OS the thread is about.  ``version_names`` are the spellings that
    may precede a version number ("Mac OS X 10.15")."""

    id: str
    name: str
    version_names: tuple[str, ...]
    cues: tuple[str, ...]
    weak_cues: tuple[str, ...] = ()


@dataclass(frozen=True)
class OSName:
    """A marketing name standing for a version: Tahoe -> macOS 26."""

    platform: str
    name: str
    version: str


@dataclass(frozen=True)
class SharedCue:
    """Cues used by several families; see taxonomy.yaml for the rule."""

    cues: tuple[str, ...]
    families: tuple[str, ...]
    default: str | None


@dataclass(frozen=True)
class Taxonomy:
    families: tuple[Family, ...]
    topics: tuple[Topic, ...]
    platforms: tuple[Platform, ...]
    os_names: tuple[OSName, ...] = ()
    shared_cues: tuple[SharedCue, ...] = ()
    scoring: Scoring = Scoring()

    @property
    def family_ids(self) -> tuple[str, ...]:
        return tuple(f.id for f in self.families)

    @property
    def topic_ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.topics)

    @property
    def platform_ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.platforms)

    def family(self, family_id: str) -> Family:
        """The family with this id; KeyError when there is none."""
        for family in self.families:
            if family.id == family_id:
                return family
        raise KeyError(family_id)

    def topic(self, topic_id: str) -> Topic:
        for topic in self.topics:
            if topic.id == topic_id:
                return topic
        raise KeyError(topic_id)

    def platform(self, platform_id: str) -> Platform:
        for platform in self.platforms:
            if platform.id == platform_id:
                return platform
        raise KeyError(platform_id)


def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """Load and validate a taxonomy YAML; the package's own file by default
    (read once and cached).  Raises ValueError naming the file and problem."""
    if path is None:
        return _load_default()
    return _load(Path(path))


@lru_cache(maxsize=1)
def _load_default() -> Taxonomy:
    return _load(DEFAULT_PATH)


def _load(path: Path) -> Taxonomy:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"{path}: cannot read the taxonomy: {error}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ValueError(f"{path}: not valid YAML: {error}") from None
    try:
        return parse_taxonomy(data)
    except _Problem as problem:
        raise ValueError(f"{path}: {problem}") from None


class _Problem(Exception):
    """A validation problem; turned into ValueError with the file name."""


def parse_taxonomy(data: object) -> Taxonomy:
    """Validate already-parsed YAML data into a Taxonomy.

    Raises ``_Problem`` (a ValueError is raised by :func:`load_taxonomy`)."""
    root = _mapping(data, "the top level")
    platforms = tuple(
        _platform(item, f"platforms[{n}]") for n, item in enumerate(_list(root, "platforms", "the top level"))
    )
    platform_ids = _unique([p.id for p in platforms], "platform id")
    families = tuple(
        _family(item, f"families[{n}]", platform_ids)
        for n, item in enumerate(_list(root, "families", "the top level"))
    )
    family_ids = _unique([f.id for f in families], "family id")
    topics = tuple(_topic(item, f"topics[{n}]") for n, item in enumerate(_list(root, "topics", "the top level")))
    _unique([t.id for t in topics], "topic id")
    os_names = tuple(
        _os_name(item, f"os_names[{n}]", platform_ids)
        for n, item in enumerate(_list(root, "os_names", "the top level", required=False))
    )
    shared = tuple(
        _shared(item, f"shared_cues[{n}]", family_ids)
        for n, item in enumerate(_list(root, "shared_cues", "the top level", required=False))
    )
    scoring = _scoring(root.get("scoring", {}))
    _check_family_cues_are_exclusive(families, shared)
    return Taxonomy(families, topics, platforms, os_names, shared, scoring)


def _check_family_cues_are_exclusive(families: tuple[Family, ...], shared: tuple[SharedCue, ...]) -> None:
    owner: dict[str, str] = {}
    for family in families:
        for cue in family.symbols + family.aliases:
            key = cue_key(cue)
            if owner.setdefault(key, family.id) != family.id:
                raise _Problem(
                    f"cue {cue!r} is listed under both {owner[key]!r} and {family.id!r}; "
                    "list an ambiguous cue under shared_cues instead"
                )
    for n, group in enumerate(shared):
        for cue in group.cues:
            key = cue_key(cue)
            if key in owner:
                raise _Problem(
                    f"shared_cues[{n}]: cue {cue!r} is already a cue of family {owner[key]!r}; "
                    "a cue is either a family's own or shared"
                )
            owner[key] = f"shared_cues[{n}]"


def _family(data: object, where: str, platform_ids: set[str]) -> Family:
    item = _mapping(data, where)
    family_id = _id(item, where)
    where = f"family {family_id!r}"
    doc_url = _text(item, "doc_url", where)
    if not doc_url.startswith("https://"):
        raise _Problem(f"{where}: doc_url must be an https:// URL, got {doc_url!r}")
    platforms = _strings(item, "platforms", where)
    for platform in platforms:
        if platform not in platform_ids:
            raise _Problem(f"{where}: unknown platform {platform!r} (known: {', '.join(sorted(platform_ids))})")
    symbols = _strings(item, "symbols", where, required=False)
    aliases = _strings(item, "aliases", where, required=False)
    if not symbols and not aliases:
        raise _Problem(f"{where}: needs at least one symbol or alias, or it can never be found")
    return Family(
        id=family_id,
        name=_text(item, "name", where),
        description=_text(item, "description", where),
        doc_url=doc_url,
        platforms=platforms,
        symbols=symbols,
        aliases=aliases,
    )


def _topic(data: object, where: str) -> Topic:
    item = _mapping(data, where)
    topic_id = _id(item, where)
    where = f"topic {topic_id!r}"
    return Topic(
        id=topic_id,
        name=_text(item, "name", where),
        description=_text(item, "description", where),
        cues=_strings(item, "cues", where),
        weak_cues=_strings(item, "weak_cues", where, required=False),
    )


def _platform(data: object, where: str) -> Platform:
    item = _mapping(data, where)
    platform_id = _text(item, "id", where)
    if not _PLATFORM_ID.match(platform_id):
        raise _Problem(f"{where}: platform id {platform_id!r} must be letters and digits")
    where = f"platform {platform_id!r}"
    return Platform(
        id=platform_id,
        name=_text(item, "name", where),
        version_names=_strings(item, "version_names", where),
        cues=_strings(item, "cues", where),
        weak_cues=_strings(item, "weak_cues", where, required=False),
    )


def _os_name(data: object, where: str, platform_ids: set[str]) -> OSName:
    item = _mapping(data, where)
    platform = _text(item, "platform", where)
    if platform not in platform_ids:
        raise _Problem(f"{where}: unknown platform {platform!r}")
    version = _text(item, "version", where)
    if not _VERSION.match(version):
        raise _Problem(f"{where}: version {version!r} is not like '26' or '10.15'")
    return OSName(platform=platform, name=_text(item, "name", where), version=version)


def _shared(data: object, where: str, family_ids: set[str]) -> SharedCue:
    item = _mapping(data, where)
    families = _strings(item, "families", where)
    for family in families:
        if family not in family_ids:
            raise _Problem(f"{where}: unknown family {family!r}")
    default = item.get("default")
    if default is not None and default not in families:
        raise _Problem(f"{where}: default {default!r} must be one of its families or null")
    return SharedCue(cues=_strings(item, "cues", where), families=families, default=default)


def _scoring(data: object) -> Scoring:
    item = _mapping(data, "scoring")
    defaults = Scoring()
    values: dict[str, Any] = {}
    for key, value in item.items():
        if not hasattr(defaults, str(key)):
            raise _Problem(f"scoring: unknown setting {key!r}")
        expected = type(getattr(defaults, key))
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise _Problem(f"scoring: {key} must be a non-negative number, got {value!r}")
        if expected is int and not isinstance(value, int):
            raise _Problem(f"scoring: {key} must be a whole number, got {value!r}")
        values[str(key)] = expected(value)
    return Scoring(**values)


# --- small typed accessors, each naming the entry on failure -------------------


def _mapping(data: object, where: str) -> Mapping[str, Any]:
    if not isinstance(data, dict):
        raise _Problem(f"{where}: expected a mapping, got {type(data).__name__}")
    return data


def _list(item: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> list[Any]:
    value = item.get(key)
    if value is None and not required:
        return []
    if not isinstance(value, list) or (required and not value):
        raise _Problem(f"{where}: {key!r} must be a non-empty list")
    return value


def _text(item: Mapping[str, Any], key: str, where: str) -> str:
    value = item.get(key)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and key == "version":
        value = str(value)  # tolerate `version: 26` written without quotes
    if not isinstance(value, str) or not value.strip():
        raise _Problem(f"{where}: {key!r} must be a non-empty string")
    return value.strip()


def _strings(item: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> tuple[str, ...]:
    value = item.get(key)
    if value is None and not required:
        return ()
    if not isinstance(value, list) or (required and not value):
        raise _Problem(f"{where}: {key!r} must be a non-empty list of strings")
    for entry in value:
        if not isinstance(entry, str) or not entry.strip():
            raise _Problem(f"{where}: {key!r} has an entry that is not a non-empty string: {entry!r}")
    return tuple(entry.strip() for entry in value)


def _id(item: Mapping[str, Any], where: str) -> str:
    value = _text(item, "id", where)
    if not _ID.match(value):
        raise _Problem(f"{where}: id {value!r} must be lowercase words joined by hyphens")
    return value


def _unique(values: list[str], what: str) -> set[str]:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise _Problem(f"duplicate {what} {value!r}")
        seen.add(value)
    return seen
