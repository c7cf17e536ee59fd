"""Relate stage: related threads with reasons, near-duplicate groups, and the
synthetic corpus the benchmark uses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.synth import listing_text, make_threads, synthetic_facts
from generator.readers.listing import read_listing
from generator.records import Facts
from generator.relate import (
    CONFIG_WEIGHT,
    MIN_SCORE,
    pair_score,
    RelateItem,
    near_duplicates,
    prepare,
    rank_exhaustive,
    rank_indexed,
    relate,
    relate_and_group,
)
from generator.textvec import error_codes, identifier_terms

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = yaml.safe_load((ROOT / "tests/fixtures/relate/seed_pairs.yaml").read_text(encoding="utf-8"))
SEED_CANDIDATES = [ROOT / "data/network-extension-listing.txt", ROOT.parent / "shared/seeds/network-extension-listing.txt"]
SEED = next((p for p in SEED_CANDIDATES if p.exists()), SEED_CANDIDATES[-1])


def slug_of(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60]


def seed_threads() -> dict[str, object]:
    """Title -> first thread of that title in the seed listing."""
    threads: dict[str, object] = {}
    for thread in read_listing(SEED):
        threads.setdefault(thread.title, thread)
    return threads


def seed_items(facts_of=None) -> list[RelateItem]:
    items = []
    for title, thread in seed_threads().items():
        if facts_of is None:
            raw = FIXTURE["facts"][title]
            facts = Facts(**{key: tuple(value) for key, value in raw.items()})
        else:
            facts = facts_of(thread)
        items.append(RelateItem(slug_of(title), title, thread.body, facts))
    return items


def by_name(name: str) -> str:
    return slug_of(FIXTURE["names"][name])


def item(slug: str, title: str, text: str = "", **facts: tuple[str, ...]) -> RelateItem:
    return RelateItem(slug, title, text, Facts(**facts))


# -- the seed ---------------------------------------------------------------
@pytest.fixture(scope="module")
def seed_related():
    return relate(seed_items())


def test_seed_has_twenty_distinct_threads_all_with_fixture_facts():
    assert len(seed_threads()) == 20
    assert set(seed_threads()) == set(FIXTURE["facts"])


@pytest.mark.parametrize("source,target", FIXTURE["expected"], ids=lambda v: str(v))
def test_seed_expected_link(seed_related, source, target):
    assert by_name(target) in [r.slug for r in seed_related[by_name(source)]]


@pytest.mark.parametrize("source,target", FIXTURE["forbidden"], ids=lambda v: str(v))
def test_seed_forbidden_link(seed_related, source, target):
    assert by_name(target) not in [r.slug for r in seed_related[by_name(source)]]


def test_seed_callkit_thread_links_to_nothing_about_proxies_or_filters(seed_related):
    facts_by_slug = {it.slug: it.facts for it in seed_items()}
    for name, families in FIXTURE["isolated_from_families"].items():
        for link in seed_related[by_name(name)]:
            assert not set(facts_by_slug[link.slug].apis) & set(families), link
    for name in FIXTURE["no_links"]:
        assert seed_related[by_name(name)] == ()


def test_seed_near_duplicates_are_only_the_two_smb_threads():
    expected = tuple(tuple(sorted(by_name(n) for n in group)) for group in FIXTURE["near_duplicate_groups"])
    assert near_duplicates(seed_items()) == expected


def test_seed_smb_pair_reason_names_the_shared_symbols_protocol_and_platform(seed_related):
    link = next(r for r in seed_related[by_name("smb-peek")] if r.slug == by_name("smb-upload"))
    assert link.why == "both use `peekOutboundBytes` and `filterDataVerdict` with SMB and `NEFilterDataProvider` on macOS"
    assert link.title == FIXTURE["names"]["smb-upload"]


def test_seed_index_finds_exactly_what_all_pairs_finds():
    corpus = prepare(seed_items())
    assert rank_indexed(corpus, 5) == rank_exhaustive(corpus, 5)


def test_seed_with_the_real_classifier_meets_the_issue_expectations():
    classify = pytest.importorskip("generator.classify").classify
    related = relate(seed_items(classify))
    links = {slug: {r.slug for r in rs} for slug, rs in related.items()}
    assert by_name("smb-upload") in links[by_name("smb-peek")]
    assert by_name("smb-peek") in links[by_name("smb-upload")]
    for group in (["url-bloom", "url-entitlement", "url-remove"], ["sysextd", "dns-developer-id", "vpn-outside-store"]):
        for a in group:
            for b in group:
                if a != b:
                    assert by_name(b) in links[by_name(a)], (a, b)
    facts = {it.slug: it.facts for it in seed_items(classify)}
    families = set(FIXTURE["isolated_from_families"]["callkit"])
    assert not any(set(facts[s].apis) & families for s in links[by_name("callkit")])


# -- small scenarios on the seed's background, exact output ----------------
# Two-thread corpora would make every word rare; next to the seed's 20
# threads, word weights are what they are in practice.
def links_among_seed(*extra: RelateItem) -> dict[str, dict[str, object]]:
    related = relate([*seed_items(), *extra])
    return {it.slug: {r.slug: r for r in related[it.slug]} for it in extra}


def test_shared_specific_symbol_on_one_platform_gives_that_reason():
    a = item("x-a", "SMB stalls with peekOutboundBytes", "large peekOutboundBytes stalls SMB uploads",
             apis=("content-filter",), platforms=("macOS",), symbols=("peekOutboundBytes",))
    b = item("x-b", "SMB upload hangs in my filter", "peekOutboundBytes set to Int.max and SMB hangs",
             apis=("content-filter",), platforms=("macOS",), symbols=("peekOutboundBytes",))
    links = links_among_seed(a, b)
    assert links["x-a"]["x-b"].why == "both use `peekOutboundBytes` with SMB upload on macOS"
    assert links["x-a"]["x-b"].title == "SMB upload hangs in my filter"
    assert links["x-a"]["x-b"].score == links["x-b"]["x-a"].score
    assert next(iter(links["x-a"])) == "x-b"  # the closest of all


def test_a_reason_shows_the_words_as_the_two_threads_write_them():
    """Other threads writing "smb" in lower case do not change how this
    pair's reason spells it: a reason depends on its two threads alone."""
    a = item("x-a", "SMB stalls with peekOutboundBytes", "large peekOutboundBytes stalls SMB uploads",
             apis=("content-filter",), platforms=("macOS",), symbols=("peekOutboundBytes",))
    b = item("x-b", "SMB upload hangs in my filter", "peekOutboundBytes set to Int.max and SMB hangs",
             apis=("content-filter",), platforms=("macOS",), symbols=("peekOutboundBytes",))
    noise = [item(f"n-{i}", f"smb share {i}", "smb smb smb upload upload", apis=("vpn-manager",)) for i in range(6)]
    related = relate([a, b, *noise])
    assert {r.slug: r.why for r in related["x-a"]}["x-b"] == "both use `peekOutboundBytes` with SMB upload on macOS"


def test_same_error_code_from_text_is_the_reason():
    a = item("x-a", "URL filter fails", "status: NetworkExtension.NEURLFilterManager.Error error 9.", apis=("url-filter",))
    b = item("x-b", "Cannot enable URL filter", "I get NEURLFilterManager.Error 9 when enabling", apis=("url-filter",))
    assert links_among_seed(a, b)["x-a"]["x-b"].why == "same error: `NEURLFilterManager.Error 9`"


def test_only_a_shared_family_and_platform_is_not_enough():
    a = item("x-a", "Tunnel drops", "packets vanish", apis=("packet-tunnel",), platforms=("iOS",))
    b = item("x-b", "Icon missing", "status bar", apis=("packet-tunnel",), platforms=("iOS",))
    assert "x-b" not in links_among_seed(a, b)["x-a"]
    assert MIN_SCORE > 1.25


def test_provider_class_and_entitlement_boilerplate_are_not_specific_symbols():
    symbols = ("NEFilterDataProvider", "com.apple.developer.networking.networkextension")

    def score(with_symbols: bool) -> float:
        extra = [
            item(slug, title, title.lower(), apis=("content-filter",), symbols=symbols if with_symbols else ())
            for slug, title in (("x-a", "Filter start"), ("x-b", "Verdict timing"))
        ]
        corpus = prepare([*seed_items(), *extra])
        index = {d.slug: n for n, d in enumerate(corpus.docs)}
        return pair_score(corpus, index["x-a"], index["x-b"])

    # The provider class is the family (already scored); the entitlement key
    # is configuration boilerplate worth CONFIG_WEIGHT, not a shared symbol.
    assert score(True) - score(False) == pytest.approx(CONFIG_WEIGHT)


def test_empty_input_and_k_zero():
    assert relate([]) == {}
    assert near_duplicates([]) == ()
    items = seed_items()
    assert all(v == () for v in relate(items, k=0).values())


def test_repeated_slug_keeps_one_deterministic_item():
    one = item("a", "peekOutboundBytes stalls", "SMB", symbols=("peekOutboundBytes",))
    other = item("a", "another title", "SMB", symbols=("peekOutboundBytes",))
    third = item("b", "peekOutboundBytes hangs", "SMB", symbols=("peekOutboundBytes",))
    assert relate([one, other, third]) == relate([third, other, one])
    assert relate([one, other, third])["b"][0].title == "another title"


def test_relate_and_group_agree_with_the_separate_calls():
    items = seed_items()
    related, groups = relate_and_group(items)
    assert related == relate(items)
    assert groups == near_duplicates(items)


def test_identifiers_are_terms_whole_and_split():
    assert identifier_terms("NEFilterDataProvider") == (
        ("nefilterdataprovider", 1.0), ("filter", 0.5), ("data", 0.5), ("provider", 0.5),
    )
    assert identifier_terms("filterDataVerdict")[0] == ("filterdataverdict", 1.0)
    assert identifier_terms("the") == ()


def test_error_codes_found_in_text():
    found = error_codes("NEFilterErrorDomain Code=1; NetworkExtension.NEURLFilterManager.Error error 9; "
                        "OSSystemExtensionError code 4; a bare Error 9")
    assert [c.label for c in found] == [
        "NEFilterErrorDomain Code=1", "NEURLFilterManager.Error 9", "OSSystemExtensionError 4",
    ]


# -- properties ---------------------------------------------------------------
VOCAB = ["peekOutboundBytes", "SMB", "tunnel", "filter", "URL", "NEFilterDataProvider", "sysextd", "Developer",
         "ID", "notarization", "DNS", "proxy", "stall", "upload", "Error", "9", "entitlement", "MDM"]
SYMBOLS = ["peekOutboundBytes", "sysextd", "includeAllNetworks", "NEURLFilterManager.Error 9", "handleNewFlow"]
FAMILIES = ["content-filter", "url-filter", "packet-tunnel", "dns-proxy"]

corpora = st.lists(
    st.builds(
        lambda n, title, body, syms, apis, plats: item(
            f"s{n}", " ".join(title), " ".join(body),
            symbols=tuple(syms), apis=tuple(sorted(set(apis))), platforms=tuple(sorted(set(plats))),
        ),
        st.integers(0, 10_000),
        st.lists(st.sampled_from(VOCAB), min_size=1, max_size=6),
        st.lists(st.sampled_from(VOCAB), max_size=20),
        st.lists(st.sampled_from(SYMBOLS), max_size=3),
        st.lists(st.sampled_from(FAMILIES), max_size=2),
        st.lists(st.sampled_from(["iOS", "macOS"]), max_size=2),
    ),
    max_size=14,
    unique_by=lambda it: it.slug,
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpora, st.integers(1, 6), st.randoms(use_true_random=False))
def test_property_no_self_links_at_most_k_and_order_independent(items, k, rnd):
    related = relate(items, k=k)
    assert set(related) == {it.slug for it in items}
    for slug, links in related.items():
        assert len(links) <= k
        assert slug not in [r.slug for r in links]
        assert len({r.slug for r in links}) == len(links)
        assert all(r.score >= MIN_SCORE for r in links)
        assert [r.score for r in links] == sorted((r.score for r in links), reverse=True)
    shuffled = list(items)
    rnd.shuffle(shuffled)
    assert relate(shuffled, k=k) == related
    assert near_duplicates(shuffled) == near_duplicates(items)


@settings(max_examples=80, deadline=None)
@given(corpora)
def test_property_an_unrelated_thread_does_not_reshuffle_other_lists(items):
    before = relate(items)
    stranger = item("zz-stranger", "CallKit ringtone volume", "AVAudioSession ducking ringtone volume",
                    symbols=("AVAudioSession",), platforms=("watchOS",))
    after = relate([*items, stranger])
    assert after.pop("zz-stranger") == ()
    assert after == before


def test_an_unrelated_thread_added_to_the_seed_changes_no_list(seed_related):
    stranger = item("zz-stranger", "Apple Watch complication refresh", "WidgetKit timeline reload budget apple",
                    platforms=("watchOS",))
    after = relate([*seed_items(), stranger])
    assert after.pop("zz-stranger") == ()
    # "apple" is a seed word too: weights move a hair, the lists do not.
    assert {s: [(r.slug, r.why) for r in rs] for s, rs in after.items()} == {
        s: [(r.slug, r.why) for r in rs] for s, rs in seed_related.items()
    }


# -- the synthetic corpus -----------------------------------------------------
def test_synthetic_corpus_is_deterministic_with_distinct_titles():
    first, again = make_threads(300, seed=3), make_threads(300, seed=3)
    assert first == again
    assert len({t.title for t in first}) == 300
    assert make_threads(300, seed=4) != first
    assert make_threads(0) == []


def test_synthetic_listing_reads_back_through_the_listing_reader(tmp_path):
    threads = make_threads(45, seed=1)
    path = tmp_path / "synthetic.txt"
    path.write_text(listing_text(threads), encoding="utf-8")
    problems: list[str] = []
    read = list(read_listing(path, warn=lambda source, message: problems.append(message)))
    assert problems == []
    assert [(t.title, t.body, t.replies, t.boosts, t.views, t.activity) for t in read] == [
        (t.title, t.body, t.replies, t.boosts, t.views, t.activity) for t in threads
    ]


def test_synthetic_corpus_indexed_ranking_matches_all_pairs_closely():
    items = [RelateItem(f"t{i:04d}", t.title, t.body, synthetic_facts(t)) for i, t in enumerate(make_threads(400, 2))]
    corpus = prepare(items)
    indexed, exact = rank_indexed(corpus, 5), rank_exhaustive(corpus, 5)
    wanted = sum(len(x) for x in exact)
    found = sum(len({j for _, j in x} & {j for _, j in y}) for x, y in zip(exact, indexed))
    assert wanted > 1500 and found / wanted >= 0.95


def test_ranking_on_two_processes_equals_ranking_in_one(monkeypatch):
    """The forked ranking (used for large corpora) gives the same lists."""
    import generator.parallel as parallel
    from bench.synth import make_threads
    from generator.classify import classify

    threads = make_threads(300, seed=7)
    items = [RelateItem(slug=f"t{i:04d}", title=t.title, text=t.body, facts=classify(t)) for i, t in enumerate(threads)]
    monkeypatch.setattr(parallel, "PARALLEL_MIN_ITEMS", 10**9)
    serial = relate(items)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_ITEMS", 1)
    monkeypatch.setattr(parallel, "worker_count", lambda: 2)
    assert relate(items) == serial
