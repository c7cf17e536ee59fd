"""Spec tests for the thread-page reader (issue 10, part 1) and signatures."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.readers.errors import InputError
from generator.readers.threadpage import looks_like, parse_thread_pages, read_thread_page
from generator.records import Post, Source
from generator.signatures import split_signature, strip_signature

FIXTURES = Path(__file__).parent / "fixtures" / "threadpages"
SCRAPED_ON = "2026-03-01"


def read(name: str) -> tuple[list, list[str]]:
    warnings: list[str] = []
    threads = list(
        read_thread_page(FIXTURES / name, warn=lambda s, m: warnings.append(f"{s.line}: {m}"), scraped_on=SCRAPED_ON)
    )
    return threads, warnings


def accepted(thread) -> list[Post]:
    return [post for post in thread.posts if post.accepted]


# --- blank-line rendering, DTS accepted answer, comments, signature ------------


def test_blank_line_rendering_reads_identity_counts_and_question():
    (thread,), warnings = read("modern-accepted-dts.txt")
    assert warnings == []
    assert (thread.key, thread.thread_id, thread.url) == (
        "id:812345", "812345", "https://developer.apple.com/forums/thread/812345",
    )
    assert thread.title == "Packet tunnel stops reading packets after the Mac wakes from sleep"
    assert (thread.forum, thread.tags, thread.author) == ("Network Extension", ("Network Extension", "macOS"), "tunnelsmith")
    assert (thread.replies, thread.boosts, thread.views, thread.activity, thread.last_active) == (4, 2, 310, "3w", "2026-02-08")
    assert thread.source == Source(str(FIXTURES / "modern-accepted-dts.txt"), 7)
    assert thread.body == (
        "My NEPacketTunnelProvider works fine until the Mac sleeps. After wake, readPackets(completionHandler:) "
        "never calls back again, although the tunnel status stays connected.\n\n"
        "What I checked:\n\n"
        "• the provider process is still running\n"
        "• sleep(completionHandler:) and wake() are both called\n"
        "• no error is logged by nesessionmanager\n\n"
        "My read loop:\n\n"
        "    func readLoop() {\n"
        "        packetFlow.readPackets { packets, protocols in\n"
        "            self.forward(packets)\n"
        "            self.readLoop()\n"
        "        }\n"
        "    }\n\n"
        "Is there something I must do in wake() to restart the flow?"
    )


def test_accepted_block_becomes_the_reply_once_without_signature_and_keeps_footnote():
    (thread,), _ = read("modern-accepted-dts.txt")
    assert [(p.author, p.role, p.date, p.accepted, p.post_id, p.is_comment) for p in thread.posts] == [
        ("tunnelsmith", "", "2026-02-10", False, "", False),
        ("DTS Engineer", "DTS Engineer", "2026-02-11", True, "812345022", False),
        ("tunnelsmith", "", "2026-02-12", False, "", True),
        ("wirewalker", "", "2026-02-15", False, "", False),
    ]
    assert accepted(thread)[0].body == (
        "Nothing in wake() restarts the packet flow, and nothing needs to. If your completion handler stops being "
        "called, the usual cause is that your read loop was torn down while the provider slept.\n\n"
        "Check these:\n\n"
        "• Keep a strong reference to the provider while a read is outstanding [1].\n"
        "• Call readPackets again from its own completion handler, on every path.\n\n"
        "[1] A weak self in the closure is enough to end the loop."
    )


def test_comment_under_a_reply_is_marked_and_the_next_reply_is_not():
    (thread,), _ = read("modern-accepted-dts.txt")
    assert [p.body for p in thread.posts if p.is_comment] == ["That was it: a [weak self] in a helper. Thanks!"]
    assert thread.posts[-1] == Post("wirewalker", "", "2026-02-15", "Same symptom here on macOS 15, same fix worked.")


# --- compact rendering -----------------------------------------------------------


def test_compact_rendering_turns_dash_bullets_into_bullets_and_rejoins_split_inline_code():
    (thread,), warnings = read("compact-rendering.txt")
    assert warnings == []
    assert (thread.key, thread.title) == (
        "title:Split tunnel routes ignored when includeAllNetworks is false",
        "Split tunnel routes ignored when includeAllNetworks is false",
    )
    assert thread.body == (
        "Our packet tunnel sets two included routes and nothing else. Traffic to those networks still leaves on Wi-Fi.\n"
        "What we set:\n"
        "• includedRoutes with 10.20.0.0/16 and 10.30.0.0/16\n"
        "• matchDomains left empty\n"
        "• the provider calls setTunnelNetworkSettings(_:completionHandler:) before the completion handler of startTunnel\n"
        "The routing table shows the routes on utun4, yet connections use en0.\n"
        'let ipv4 = NEIPv4Settings(addresses: ["10.20.0.2"], subnetMasks: ["255.255.255.255"])\n'
        'ipv4.includedRoutes = [NEIPv4Route(destinationAddress: "10.20.0.0", subnetMask: "255.255.0.0")]'
    )
    assert (thread.tags, thread.replies, thread.views, thread.activity, thread.last_active) == (
        ("Network Extension", "iOS"), 2, 97, "Jan ’26", "2026-01",
    )


def test_compact_rendering_accepted_answer_from_frameworks_engineer_is_not_repeated():
    (thread,), _ = read("compact-rendering.txt")
    assert thread.posts == (
        Post(
            "Frameworks Engineer", "Frameworks Engineer", "2026-01-14",
            "Connections that were already open when the tunnel came up keep their interface. "
            "Only new connections consult the new routes.\n"
            "Restart the connection after the tunnel reports connected and traffic will follow the included routes.",
            accepted=True, post_id="812400022",
        ),
        Post("routeminder", "", "2026-01-15", "Confirmed, a fresh connection goes through utun4."),
    )


# --- older label style -------------------------------------------------------------


def test_old_style_accepted_reply_matches_its_reply_by_text_and_reads_latest_reply():
    (thread,), warnings = read("old-style-accepted-reply.txt")
    assert warnings == []
    assert (thread.key, thread.url) == ("id:41234", "https://developer.apple.com/forums/thread/41234")
    assert (thread.activity, thread.last_active) == ("Mar 3, 2017 4:12 AM", "2017-03-03")
    assert thread.posts == (
        Post(
            "eskimo", "Apple Staff", "2017-03-02",
            "Console filters by process name, and the extension runs under its bundle name, not the app's. "
            "Search for the extension name and enable Include Info Messages.",
            accepted=True,
        ),
        Post("dnsdigger", "", "2017-03-03", "Found them under the extension name. Helpful Answer!"),
    )


# --- answer authors and roles ---------------------------------------------------------


def test_accepted_answer_from_a_non_apple_author_found_by_answer_id_link():
    (thread,), _ = read("non-apple-accepted.txt")
    assert [(p.author, p.role, p.accepted, p.is_comment) for p in thread.posts] == [
        ("Apple Staff", "Apple Staff", False, False),
        ("packetpal", "", True, False),
        ("filterfan", "", False, True),
        ("filterfan", "", False, False),
    ]
    assert accepted(thread)[0].post_id == "813001044"


def test_apple_reply_without_accepted_answer_keeps_role_and_drops_staff_signature():
    (thread,), warnings = read("apple-reply-no-accepted.txt")
    assert warnings == []
    assert accepted(thread) == []
    assert thread.posts == (
        Post(
            "Kevin-DTS", "DTS Engineer", "2026-02-24",
            "An empty array with no error means the flow is finished: close it with closeReadWithError(nil) and stop reading.\n\n"
            "If you see this while the app is still sending, please file a bug with a sysdiagnose and post the number here.",
        ),
    )


def test_locked_thread():
    (thread,), warnings = read("locked-thread.txt")
    assert warnings == []
    assert thread.locked is True
    assert [(p.author, p.role, p.date) for p in thread.posts] == [("Apple Staff", "Apple Staff", "2025-11-12")]


# --- cut pages, several pages, bad input ---------------------------------------------------


def test_page_cut_off_mid_reply_keeps_what_is_there_and_reports_the_cut():
    (thread,), warnings = read("cut-off.txt")
    assert warnings == ["26: page ends mid-sentence (cut off?): the last post may be incomplete"]
    assert [(p.author, p.accepted) for p in thread.posts] == [("DTS Engineer", True), ("dohdev", False)]
    assert thread.posts[-1].body.endswith("Is there a way to")


def test_two_pages_in_one_file_become_two_threads():
    threads, warnings = read("two-pages.txt")
    assert warnings == []
    assert [(t.key, t.title, t.author, len(t.posts)) for t in threads] == [
        ("id:815001", "NEVPNManager saveToPreferences fails with configuration invalid", "vpnnovice", 1),
        ("id:815002", "Relay configuration not applied on macOS", "relayrunner", 0),
    ]


def test_second_rendering_of_the_same_page_keeps_its_identity():
    text = (FIXTURES / "modern-accepted-dts.txt").read_text() + "\n" + (FIXTURES / "compact-rendering.txt").read_text().replace(
        "Split tunnel routes ignored when includeAllNetworks is false",
        "Packet tunnel stops reading packets after the Mac wakes from sleep",
    )
    first, second = parse_thread_pages(text, scraped_on=SCRAPED_ON)
    assert (first.key, second.key, second.url) == ("id:812345", "id:812345", first.url)


def test_text_before_the_title_and_after_the_footer_is_reported_with_its_line():
    warnings: list[str] = []
    text = "Developer\nNews\nhttps://developer.apple.com/forums/thread/1\nTitle here\nQuestion text.\n" \
           "Copyright © 2026 Apple Inc. All rights reserved.\nstray line\n"
    (thread,) = parse_thread_pages(text, source="p.txt", warn=lambda s, m: warnings.append(f"{s}: {m}"))
    assert (thread.title, thread.body) == ("Title here", "Question text.")
    assert warnings == [
        "p.txt:1: 2 line(s) before the title skipped as page chrome",
        "p.txt:7: 1 line(s) after the page footer skipped",
    ]


def test_unknown_lines_stay_in_the_nearest_body():
    text = "Title\n\nQuestion.\n\nPosted by a\nFeb 1, 2026\n\nAnswer text.\n\n~~ unknown widget ~~\n"
    (thread,) = parse_thread_pages(text)
    assert thread.posts[0].body == "Answer text.\n\n~~ unknown widget ~~"


def test_answered_by_pointer_without_the_reply_keeps_the_preview_as_the_accepted_post():
    warnings: list[str] = []
    text = "Title\n\nQuestion?\n\nAnswered by helper in 99\n\nUse the other API.\n"
    (thread,) = parse_thread_pages(text, source="p.txt", warn=lambda s, m: warnings.append(f"{s}: {m}"))
    assert thread.posts == (Post("helper", "", "", "Use the other API.", accepted=True, post_id="99"),)
    assert warnings == ["p.txt:5: accepted answer's reply not on the page; kept the 'Answered by' preview text"]


def test_empty_file_yields_nothing_and_says_so(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("")
    warnings: list[str] = []
    assert list(read_thread_page(path, warn=lambda s, m: warnings.append(f"{s}: {m}"))) == []
    assert warnings == [f"{path}: no thread page found"]


def test_unreadable_file_raises_input_error_naming_the_file(tmp_path):
    with pytest.raises(InputError) as error:
        list(read_thread_page(tmp_path / "missing.txt"))
    assert str(error.value).startswith(f"{tmp_path / 'missing.txt'}: cannot read file")


def test_invalid_utf8_is_replaced_and_reported(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"Title \xff\n\nQuestion.\n")
    warnings: list[str] = []
    (thread,) = read_thread_page(path, warn=lambda s, m: warnings.append(m))
    assert thread.title == "Title \ufffd"
    assert warnings == ["invalid UTF-8 bytes replaced with U+FFFD"]


def test_counts_with_suffixes_and_dashes():
    text = "Title\n\nQuestion.\n\nReplies 1.2K Boosts — Views 3.3k Activity Feb ’26\n"
    (thread,) = parse_thread_pages(text)
    assert (thread.replies, thread.boosts, thread.views, thread.activity, thread.last_active) == (1200, 0, 3300, "Feb ’26", "2026-02")


def test_a_count_beyond_any_forum_is_0_with_a_note():
    text = f"Title\n\nQuestion.\n\nReplies {'9' * 400} Boosts 2 Views 10 Activity Feb ’26\n"
    notes: list[str] = []
    (thread,) = parse_thread_pages(text, warn=lambda source, message: notes.append(message))
    assert (thread.replies, thread.boosts) == (0, 2)
    assert any("unreadable replies count" in note and "more than any forum shows" in note for note in notes)


def test_relative_dates_stay_as_shown_without_a_scrape_date():
    text = "Title\n\nQuestion.\n\nPosted by a\n2w\n\nAnswer.\n"
    (thread,) = parse_thread_pages(text)
    assert thread.posts[0].date == "2w"


# --- format detection ------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.txt")))
def test_looks_like_recognises_every_fixture(name):
    assert looks_like((FIXTURES / name).read_text()[:4000]) is True


def test_looks_like_rejects_the_tag_listing_seed():
    seed = Path("/work/shared/seeds/network-extension-listing.txt")
    head = seed.read_text()[:4000] if seed.exists() else "Network Extension\n\nRSS for tag\n\nPosts under Network Extension tag\n"
    assert looks_like(head) is False


# --- signatures ----------------------------------------------------------------------------------


def test_signature_quinn_current_block_is_removed_and_footnote_kept():
    text = (
        "Use the audit token.\n\nShare and Enjoy\n—\nQuinn “The Eskimo!” @ Developer Technical Support @ Apple\n"
        'let myEmail = "eskimo" + "1" + "@" + "apple.com"\n\n[1] Or its subclass.'
    )
    assert split_signature(text) == (
        "Use the audit token.\n\n[1] Or its subclass.",
        'Share and Enjoy\n—\nQuinn “The Eskimo!” @ Developer Technical Support @ Apple\nlet myEmail = "eskimo" + "1" + "@" + "apple.com"',
    )


def test_signature_flattened_inside_a_line_is_cut_out():
    text = 'See the post. Share and Enjoy — Quinn “The Eskimo!” @ Developer Technical Support @ Apple let myEmail = "eskimo" + "1" + "@" + "apple.com" Next part'
    assert strip_signature(text) == "See the post.\nNext part"


def test_signature_staff_closing_is_removed_but_a_strangers_thanks_is_kept():
    assert strip_signature("Try this.\n\nThanks,\nKevin Elliott\nDTS Engineer, CoreOS/Hardware") == "Try this."
    assert strip_signature("Try this.\n\n— Ed Ford, DTS Engineer") == "Try this."
    assert strip_signature("It works now.\n\nThanks,\nBob") == "It works now.\n\nThanks,\nBob"
    assert strip_signature("Ask Quinn “The Eskimo!” about it.") == "Ask Quinn “The Eskimo!” about it."


# --- robustness on pages the reader has never seen ------------------------------------------------

FIXTURE_LINES = {p.name: p.read_text().split("\n") for p in sorted(FIXTURES.glob("*.txt"))}
ACCEPTED_FIXTURES = ["modern-accepted-dts.txt", "compact-rendering.txt", "old-style-accepted-reply.txt", "non-apple-accepted.txt", "cut-off.txt"]


def _check_invariants(text: str) -> list:
    first = list(parse_thread_pages(text, scraped_on=SCRAPED_ON))
    assert first == list(parse_thread_pages(text, scraped_on=SCRAPED_ON))  # deterministic
    for thread in first:
        assert thread.title.strip()
        assert sum(post.accepted for post in thread.posts) <= 1
    return first


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(FIXTURE_LINES)), seed=st.integers(0, 2**32 - 1), cut=st.floats(0, 1))
def test_fuzz_shuffled_and_truncated_pages_never_crash(name, seed, cut):
    lines = list(FIXTURE_LINES[name])
    rng = random.Random(seed)
    for _ in range(rng.randrange(0, 6)):  # move a few lines around
        i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    _check_invariants("\n".join(lines[: max(1, int(len(lines) * cut))]))


PIECES = list("QAab1 \n\t\r\f•-:/.’") + [
    "Accepted Answer\n", "Answered by x in 1\n", "DTS Engineer\n", "Comments\n", "Replies\n", "Tags:\n",
    "Posted by a\n", "Feb 1, 2026\n", "https://developer.apple.com/forums/thread/7\n",
]


@settings(max_examples=100, deadline=None)
@given(pieces=st.lists(st.sampled_from(PIECES), max_size=80))
def test_fuzz_arbitrary_text_never_crashes(pieces):
    _check_invariants("".join(pieces))


@pytest.mark.parametrize("name", ACCEPTED_FIXTURES)
def test_title_question_and_accepted_answer_survive_losing_the_page_tail(name):
    lines = FIXTURE_LINES[name]
    (full,) = parse_thread_pages("\n".join(lines), scraped_on=SCRAPED_ON)
    answer = accepted(full)[0]
    # Cut the page right after the accepted answer's text: still found, once.
    end = max(i for i, line in enumerate(lines) if line.strip() and line.strip() in answer.body) + 1
    (cut,) = parse_thread_pages("\n".join(lines[:end]), scraped_on=SCRAPED_ON)
    assert (cut.title, cut.body) == (full.title, full.body)
    assert [post.body for post in accepted(cut)] == [answer.body]


def test_a_page_saved_without_its_stats_line_counts_its_replies_and_dates_it_by_the_newest():
    """It read as 0 replies and no activity, and sorted below threads years older."""
    text = (
        "https://developer.apple.com/forums/thread/815001\n\n"
        "NEVPNManager saveToPreferences fails\n\nsaveToPreferences returns code 1.\n\nAsked by vpnnovice.\n\n"
        "Posted by DTS Engineer\nFeb 1, 2026\n\nCode 1 means the configuration is invalid.\n\n"
        "Posted by vpnnovice\nFeb 3, 2026\n\nThat was it, thanks.\n"
    )
    (thread,) = parse_thread_pages(text, scraped_on="2026-03-16")
    assert len(thread.posts) == 2
    assert (thread.replies, thread.last_active) == (2, "2026-02-03")
