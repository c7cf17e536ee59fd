"""Listing reader: both layouts of the seed, counts, headers, bad input."""

from __future__ import annotations


import pytest

from generator.readers import read_file
from generator.readers.errors import InputError
from generator.readers.listing import parse_count, read_listing
from tests.conftest import FIXTURES, SEED


def test_seed_has_38_entries_of_20_threads(warnings):
    threads = list(read_listing(SEED, warn=warnings))
    assert len(threads) == 38
    assert len({t.title for t in threads}) == 20
    assert warnings == []


def test_seed_bare_and_labelled_layouts_read_the_same_counts():
    threads = list(read_listing(SEED))
    bare, labelled = threads[:18], threads[18:]
    first_bare = next(t for t in bare if t.title.startswith("Push notifications"))
    first_labelled = next(t for t in labelled if t.title.startswith("Push notifications"))
    for thread in (first_bare, first_labelled):
        assert (thread.replies, thread.boosts, thread.views, thread.activity) == (5, 1, 240, "3w")
        assert thread.forum == "Network Extension"
        assert thread.body.startswith("We have a VPN app that uses NEPacketTunnelProvider")
    assert first_bare.source.line == 21
    assert first_labelled.source.line == 129


def test_thread_only_in_labelled_layout_is_read():
    titles = [t.title for t in read_listing(SEED)]
    assert titles.count("OnDemand VPN connection stuck in NO INTERNET") == 1
    ondemand = next(t for t in read_listing(SEED) if t.title.startswith("OnDemand"))
    assert (ondemand.replies, ondemand.views) == (31, 935)


@pytest.mark.parametrize(
    ("text", "value"),
    [("3.3k", 3300), ("1.2K", 1200), ("1,204", 1204), ("0", 0), ("240", 240), ("2M", 2_000_000), ("—", 0)],
)
def test_counts(text, value):
    assert parse_count(text) == value


@pytest.mark.parametrize("text", ["007", " 42 ", "999999999999999", "1000000000000000", "١٢٣", "1,000,000,000,000,000"])
def test_plain_numbers_read_as_the_general_rule_reads_them(text):
    """Plain ASCII digits take a short cut; it must agree with the general
    reading (through a float), also for other scripts' digits, up to the
    largest count read."""
    assert parse_count(text) == int(round(float(text.strip().replace(",", ""))))


@pytest.mark.parametrize("text", ["1000000000000001", "12345678901234567890", "9" * 400, "9" * 400 + ".5k", "1000000000001k", "2,000,000,000,000,000"])
def test_a_count_beyond_any_forum_is_not_a_count(text):
    """A float holds neither exactly; 400 digits were float infinity and a
    traceback."""
    assert parse_count(text) is None


def test_a_listing_entry_with_a_400_digit_count_is_skipped_with_a_warning(tmp_path, capsys):
    from generator.cli import main

    listing = tmp_path / "counts.txt"
    listing.write_text(
        "Posts under Network Extension tag\n\nPost\n\nReplies\n\nBoosts\n\nViews\n\nActivity\n\n"
        "A fine thread\nbody\n1\n0\n10\n3w\n"
        f"Huge count thread\nbody text\n{'9' * 400}\n0\n10\n3w\n",
        encoding="utf-8",
    )
    assert main(["convert", str(listing), "--out", str(tmp_path / "c"), "--as-of", "2026-03-01"]) == 0
    captured = capsys.readouterr()
    assert "do not form a listing entry (starting 'Huge count thread')" in captured.err
    assert "read 1 entries" in captured.out and "Traceback" not in captured.err


@pytest.mark.parametrize("text", ["3w", "Feb ’26", "", "twelve", "1.2.3"])
def test_non_counts(text):
    assert parse_count(text) is None


def test_subtopic_header_labelled_layout_k_counts_and_pinned_post(warnings):
    threads = list(read_file(FIXTURES / "listings" / "labelled.txt", warn=warnings, as_of="2026-03-16"))
    assert [t.title for t in threads] == ["Resources for networking questions", "NWConnection fails with ENETDOWN after sleep"]
    pinned, nw = threads
    assert (pinned.replies, pinned.boosts, pinned.views) == (0, 12, 3300)
    assert nw.views == 1204
    assert {t.forum for t in threads} == {"Networking"}
    assert (pinned.last_active, nw.last_active) == ("2026-03-14", "2026-03-16")
    assert warnings == []


def test_crlf_bom_and_month_year_label():
    (thread,) = read_file(FIXTURES / "listings" / "crlf.txt", warn=lambda s, m: None, as_of="2026-03-16")
    assert thread.views == 1200
    assert thread.last_active == "2025-03"
    assert thread.body == "The tunnel goes down."


def test_concatenated_pages_are_one_corpus(tmp_path):
    seed = SEED.read_text(encoding="utf-8")
    other = (FIXTURES / "listings" / "labelled.txt").read_text(encoding="utf-8")
    both = tmp_path / "both.txt"
    both.write_text(seed + "\n" + other + "\n" + seed, encoding="utf-8")
    threads = list(read_listing(both))
    assert len(threads) == 38 * 2 + 2
    assert {t.forum for t in threads} == {"Network Extension", "Networking"}


def test_malformed_entry_is_skipped_with_its_line_and_others_survive(tmp_path, warnings):
    path = tmp_path / "broken.txt"
    path.write_text(
        "Posts under Network Extension tag\n"
        "Good one\nbody\n1\n0\n10\n3w\n"
        "Broken entry without counts\nits body\n"
        "Another good one\nbody two\n2\n0\n20\nFeb ’26\n",
        encoding="utf-8",
    )
    threads = list(read_listing(path, warn=warnings))
    assert [t.title for t in threads] == ["Good one", "Another good one"]
    assert len(warnings) == 1
    assert warnings[0].startswith(f"{path}:8: skipped 2 line(s)")


def test_missing_labelled_value_is_defaulted_and_reported(tmp_path, warnings):
    path = tmp_path / "missing.txt"
    path.write_text("Title\nBody\nReplies\nBoosts\n0\nViews\n5\nActivity\n3w\n", encoding="utf-8")
    (thread,) = read_listing(path, warn=warnings)
    assert (thread.replies, thread.boosts, thread.views) == (0, 0, 5)
    assert warnings == [f"{path}:1: missing replies value; defaulted"]


def test_truncated_file_keeps_complete_entries(tmp_path, warnings):
    text = SEED.read_text(encoding="utf-8")
    cut = text[: text.index("Validation error with Network Extension") + 200]
    path = tmp_path / "cut.txt"
    path.write_text(cut, encoding="utf-8")
    threads = list(read_listing(path, warn=warnings))
    assert [t.title for t in threads] == [
        "Push notifications not delivered over Wi-Fi with includeAllNetworks = true regardless of excludeAPNS setting"
    ]
    assert len(warnings) == 1 and "skipped" in warnings[0]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"just some notes\nnothing else\n", "not a forum listing"),
    ],
)
def test_unusable_file_is_an_input_error_naming_the_file(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError) as error:
        list(read_listing(path))
    assert str(path) in str(error.value)
    assert message in str(error.value)


def test_invalid_utf8_is_replaced_and_reported(tmp_path, warnings):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Posts under X tag\nCaf\xe9 VPN\nbody\n1\n0\n2\n3w\n".encode("latin-1"))
    (thread,) = read_listing(path, warn=warnings)
    assert thread.title == "Caf\ufffd VPN"
    assert warnings == [f"{path}:2: invalid UTF-8 bytes replaced with U+FFFD"]


def test_subtopic_page_with_documentation_link_and_no_post_count(tmp_path, warnings):
    path = tmp_path / "networking.txt"
    path.write_text(
        "Networking\n\nRSS for tag\n\nExplore the networking protocols.\n\nNetworking Documentation\n\n"
        "Posts under Networking subtopic\n\nSelecting any option will automatically load the page\n\n"
        "Post\n\nReplies\n\nBoosts\n\nViews\n\nCreated\n\n"
        "Satellite network and web sessions?\nI am trying to implement an app. Thanks,\n5\n0\n489\nJul ’25\n"
        "Certificate validation question\nHello there, starting from iOS 18.4.\n1\n2\n1.1k\nMar 12\n",
        encoding="utf-8",
    )
    threads = list(read_listing(path, warn=warnings))
    assert [t.title for t in threads] == ["Satellite network and web sessions?", "Certificate validation question"]
    assert {t.forum for t in threads} == {"Networking"}
    assert threads[1].views == 1100
    assert warnings == []
