"""Spec tests for generator.taxonomy: the default taxonomy's contents, and a
clear ValueError for every kind of bad YAML."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from generator.taxonomy import DEFAULT_PATH, OSName, load_taxonomy

FAMILY_IDS = (
    "packet-tunnel", "app-proxy", "transparent-proxy", "content-filter", "packet-filter", "dns-proxy",
    "dns-settings", "url-filter", "vpn-manager", "hotspot", "app-push", "relay",
)


def test_the_default_taxonomy_has_the_families_platforms_and_topics_of_the_contract() -> None:
    taxonomy = load_taxonomy()
    assert taxonomy.family_ids == FAMILY_IDS
    assert taxonomy.platform_ids == ("iOS", "iPadOS", "macOS", "tvOS", "visionOS", "watchOS")
    assert set(taxonomy.topic_ids) >= {"system-extension", "entitlements", "mdm", "ipc", "performance"}


def test_every_family_carries_what_the_site_pages_need() -> None:
    taxonomy = load_taxonomy()
    for family in taxonomy.families:
        assert family.name and family.description
        assert family.doc_url.startswith("https://developer.apple.com/documentation/")
        assert family.platforms and set(family.platforms) <= set(taxonomy.platform_ids)
        assert family.aliases or family.symbols
    assert taxonomy.family("transparent-proxy").platforms == ("macOS",)
    assert "NEFilterDataProvider" in taxonomy.family("content-filter").symbols
    assert "content filter" in taxonomy.family("content-filter").aliases


def test_marketing_names_map_to_versions() -> None:
    names = {n.name: n for n in load_taxonomy().os_names}
    assert names["Tahoe"] == OSName("macOS", "Tahoe", "26")
    assert names["Sequoia"].version == "15"


def test_the_default_taxonomy_is_read_once_and_frozen() -> None:
    taxonomy = load_taxonomy()
    assert load_taxonomy() is taxonomy
    with pytest.raises(dataclasses.FrozenInstanceError):
        taxonomy.families[0].id = "other"  # type: ignore[misc]


def test_lookup_of_an_unknown_id_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        load_taxonomy().family("no-such-family")


# --- bad YAML -------------------------------------------------------------------


def _default_data() -> dict:
    return yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "taxonomy.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _family(data: dict, family_id: str) -> dict:
    return next(f for f in data["families"] if f["id"] == family_id)


def test_a_copy_of_the_default_yaml_loads_to_the_same_taxonomy(tmp_path: Path) -> None:
    assert load_taxonomy(_write(tmp_path, _default_data())) == load_taxonomy()


def test_a_missing_file_is_a_value_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"missing\.yaml: cannot read the taxonomy"):
        load_taxonomy(tmp_path / "missing.yaml")


def test_text_that_is_not_yaml_is_a_value_error(tmp_path: Path) -> None:
    path = tmp_path / "taxonomy.yaml"
    path.write_text("families: [unclosed\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not valid YAML"):
        load_taxonomy(path)


def test_a_list_at_the_top_is_a_value_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="the top level: expected a mapping, got list"):
        load_taxonomy(_write(tmp_path, ["families"]))


def mutate_unknown_platform(data: dict) -> None:
    _family(data, "relay")["platforms"].append("Android")


def mutate_duplicate_family(data: dict) -> None:
    data["families"].append(dict(_family(data, "relay"), symbols=["NERelayX"], aliases=[]))


def mutate_cue_in_two_families(data: dict) -> None:
    _family(data, "relay")["aliases"].append("Content-Filter")


def mutate_shared_cue_owned_by_a_family(data: dict) -> None:
    data["shared_cues"][0]["cues"].append("NEFilterDataProvider")


def mutate_shared_default_outside_its_families(data: dict) -> None:
    data["shared_cues"][0]["default"] = "relay"


def mutate_bad_id(data: dict) -> None:
    _family(data, "relay")["id"] = "Relay_Family"


def mutate_http_doc_url(data: dict) -> None:
    _family(data, "relay")["doc_url"] = "javascript:alert(1)"


def mutate_missing_name(data: dict) -> None:
    del _family(data, "relay")["name"]


def mutate_family_without_cues(data: dict) -> None:
    family = _family(data, "relay")
    family["symbols"], family["aliases"] = [], []


def mutate_non_string_alias(data: dict) -> None:
    _family(data, "relay")["aliases"].append(42)


def mutate_negative_weight(data: dict) -> None:
    data["scoring"]["title_weight"] = -1


def mutate_unknown_setting(data: dict) -> None:
    data["scoring"]["title_wieght"] = 2


def mutate_bad_version(data: dict) -> None:
    data["os_names"][0]["version"] = "twenty-six"


def mutate_no_families(data: dict) -> None:
    data["families"] = []


@pytest.mark.parametrize(
    "mutate, message",
    [
        (mutate_unknown_platform, "family 'relay': unknown platform 'Android'"),
        (mutate_duplicate_family, "duplicate family id 'relay'"),
        (mutate_cue_in_two_families, "cue 'Content-Filter' is listed under both 'content-filter' and 'relay'"),
        (mutate_shared_cue_owned_by_a_family, "cue 'NEFilterDataProvider' is already a cue of family 'content-filter'"),
        (mutate_shared_default_outside_its_families, "default 'relay' must be one of its families"),
        (mutate_bad_id, "id 'Relay_Family' must be lowercase words joined by hyphens"),
        (mutate_http_doc_url, "family 'relay': doc_url must be an https:// URL"),
        (mutate_missing_name, "family 'relay': 'name' must be a non-empty string"),
        (mutate_family_without_cues, "family 'relay': needs at least one symbol or alias"),
        (mutate_non_string_alias, "family 'relay': 'aliases' has an entry that is not a non-empty string: 42"),
        (mutate_negative_weight, "scoring: title_weight must be a non-negative number"),
        (mutate_unknown_setting, "scoring: unknown setting 'title_wieght'"),
        (mutate_bad_version, "version 'twenty-six' is not like '26' or '10.15'"),
        (mutate_no_families, "'families' must be a non-empty list"),
    ],
    ids=lambda value: value.__name__ if callable(value) else "",
)
def test_a_bad_taxonomy_is_a_value_error_naming_the_file_and_the_problem(tmp_path: Path, mutate, message: str) -> None:
    data = _default_data()
    mutate(data)
    path = _write(tmp_path, data)
    with pytest.raises(ValueError) as raised:
        load_taxonomy(path)
    assert str(raised.value).startswith(f"{path}: ")
    assert message in str(raised.value)
