"""Spec: RSS 2.0 and Atom feeds of forum threads become Threads, safely."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from generator.readers import rss
from generator.readers.errors import InputError
from generator.readers.rss import looks_like, read_feed, thread_id_from_url
from generator.records import Source, Thread

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
RSS_FIXTURE = FEEDS / "network-extension.rss"
ATOM_FIXTURE = FEEDS / "network-extension.atom"


class Warnings(list):
    """Collects ``warn(source, message)`` calls as ``"file:line: message"``."""

    def __call__(self, source: Source, message: str) -> None:
        self.append(f"{Path(source.path).name}:{source.line}: {message}")


def read(path: Path) -> tuple[list[Thread], Warnings]:
    warnings = Warnings()
    return list(read_feed(path, warn=warnings)), warnings


def write_feed(tmp_path: Path, items: str, channel: str = "", name: str = "feed.rss") -> Path:
    path = tmp_path / name
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        "<channel><title>Network Extension</title>\n"
        "<lastBuildDate>Tue, 03 Mar 2026 09:12:44 GMT</lastBuildDate>\n"
        f"{channel}{items}\n</channel></rss>\n",
        encoding="utf-8",
    )
    return path


ITEM = (
    "<item><title>A thread</title><link>https://developer.apple.com/forums/thread/1001</link>"
    "<pubDate>Mon, 09 Feb 2026 16:20:11 GMT</pubDate><description>&lt;p&gt;body&lt;/p&gt;</description></item>"
)


# -- the RSS 2.0 fixture ------------------------------------------------------


def test_rss_item_becomes_a_thread_with_every_field() -> None:
    threads, warnings = read(RSS_FIXTURE)
    assert warnings == []
    assert threads[0] == Thread(
        key="id:812345",
        title="Validation error with Network Extension due to square brackets in Product Name",
        body=(
            "Hello, I am facing a validation error when uploading a macOS app with a Network Extension.\n\n"
            "The error:\n\n"
            "Invalid system extension. The system extension at\n"
            "  \u201c[T] TEXT.app/Contents/Library/SystemExtensions/company_name.network-extension.systemextension\u201d\n"
            "  resides in an unexpected location.\n\n"
            "What I\u2019ve tried:\n\n"
            "• Setting PRODUCT_NAME to TEXT\n"
            "• Cleaning Derived Data & rebuilding the archive"
        ),
        forum="Network Extension",
        url="https://developer.apple.com/forums/thread/812345",
        thread_id="812345",
        replies=1,
        last_active="2026-02-09",
        scraped_on="2026-03-03",
        author="tk_dev",
        created="2026-02-09",
        tags=("Network Extension", "System Extensions", "macOS"),
        source=Source(str(RSS_FIXTURE), 13),
    )


def test_rss_cdata_description_keeps_code_lists_and_resolved_links() -> None:
    threads, _ = read(RSS_FIXTURE)
    assert threads[1].body == (
        "I'm using NEPacketTunnelProvider to intercept DNS queries & inject the responses back via "
        "writePacketObjects().\n\n"
        "let packet = NEPacket(data: response, protocolFamily: sa_family_t(AF_INET))\n"
        "if packet.data.count <= 512 {\n"
        "    packetFlow.writePacketObjects([packet])\n"
        "}\n\n"
        "// larger responses never arrive\n\n"
        "1. Is there a size limit below the MTU?\n"
        "2. Are IP fragments delivered?\n\n"
        "See NEPacketTunnelFlow (https://developer.apple.com/documentation/networkextension/nepackettunnelflow) "
        "and this older thread (https://developer.apple.com/forums/thread/811111)."
    )


def test_rss_fixture_summary_of_every_item() -> None:
    threads, _ = read(RSS_FIXTURE)
    summary = [(t.key, t.url, t.author, t.created, t.last_active, t.replies, t.tags) for t in threads]
    assert summary == [
        ("id:812345", "https://developer.apple.com/forums/thread/812345", "tk_dev",
         "2026-02-09", "2026-02-09", 1, ("Network Extension", "System Extensions", "macOS")),
        # link with ?answerId=…#…; author from "mail (Name)"; -0800 pubDate is the next day in UTC
        ("id:812019", "https://developer.apple.com/forums/thread/812019", "packet_wrangler",
         "2026-02-06", "2026-02-06", 3, ("Network Extension", "iOS")),
        # a repeated category is kept once
        ("id:811500", "https://developer.apple.com/forums/thread/811500", "sangho",
         "2026-02-15", "2026-02-15", 0, ("Network Extension", "macOS")),
        ("id:810777", "https://developer.apple.com/forums/thread/810777", "carrier_guy",
         "2026-01-28", "2026-01-28", 0, ("Network Extension",)),
    ]


def test_rss_entities_are_decoded_exactly_once() -> None:
    threads, _ = read(RSS_FIXTURE)
    assert threads[3].title == "AT&T Wi-Fi Calling &amp; includeAllNetworks"
    assert threads[3].body == (
        "With includeAllNetworks = true, Wi-Fi Calling on AT&T stops working. The literal text <script> stays text."
    )


# -- the Atom fixture ---------------------------------------------------------


def test_atom_entry_becomes_a_thread_with_every_field() -> None:
    threads, warnings = read(ATOM_FIXTURE)
    assert warnings == []
    assert threads[0] == Thread(
        key="id:813002",
        title='`sysextd` rejects new `NEFilterDataProvider` activation with "no policy" on macOS 26',
        body=(
            "On macOS 26.3, sysextd rejects the activation request:\n\n"
            "sysextd  no policy, cannot allow apps outside /Applications\n"
            "sysextd  [com.apple.sx:XPC] client connection invalidated\n\n"
            "The app receives OSSystemExtensionError code 4."
        ),
        forum="Network Extension",
        url="https://developer.apple.com/forums/thread/813002",
        thread_id="813002",
        last_active="2026-03-01",
        scraped_on="2026-03-03",
        author="indrasvat",
        created="2026-02-27",
        tags=("Network Extension", "System Extensions", "macOS"),
        source=Source(str(ATOM_FIXTURE), 9),
    )


def test_atom_xhtml_content_and_text_summary() -> None:
    threads, _ = read(ATOM_FIXTURE)
    assert threads[1].body == (
        "The client logs:\n\n"
        "[0x1015a2050] failed to do a bootstrap look-up: xpc_error=[3: No such process]\n\n"
        "• Network Extension: XPC client\n"
        "• Host application: XPC service"
    )
    assert threads[2].body == (
        "After the release of macOS Tahoe 26.2 we see memory leaks when our Network Protection "
        "Extension runs next to the built-in firewall."
    )
    # no <published>: created unknown, last activity from <updated>
    assert (threads[2].created, threads[2].last_active) == ("", "2026-02-12")


# -- identity and dates ---------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "thread_id"),
    [
        ("https://developer.apple.com/forums/thread/812345", "812345"),
        ("https://developer.apple.com/forums/thread/812345/", "812345"),
        ("https://developer.apple.com/forums/thread/812019?answerId=871233022#871233022", "812019"),
        ("http://developer.apple.com/forums/thread/0042", "42"),
        ("https://forums.developer.apple.com/thread/123456", "123456"),
        ("https://forums.developer.apple.com/forums/thread/123456", "123456"),
        ("https://evil.example/forums/thread/812345", ""),
        ("https://developer.apple.com/forums/tags/network-extension", ""),
        ("https://developer.apple.com/forums/thread/abc", ""),
        ("javascript:alert(1)//developer.apple.com/forums/thread/1", ""),
        ("https://[::1/forums/thread/1", ""),
        ("", ""),
    ],
)
def test_thread_id_from_url(url: str, thread_id: str) -> None:
    assert thread_id_from_url(url) == thread_id


def test_a_link_without_thread_id_keys_by_title(tmp_path: Path) -> None:
    path = write_feed(tmp_path, "<item><title>External post</title><link>https://example.com/post/7</link></item>")
    threads, _ = read(path)
    assert (threads[0].key, threads[0].thread_id, threads[0].url) == (
        "title:External post", "", "https://example.com/post/7"
    )


def test_relative_links_resolve_against_the_channel_link(tmp_path: Path) -> None:
    path = write_feed(
        tmp_path,
        "<item><title>Relative</title><link>/forums/thread/777</link></item>",
        channel="<link>https://developer.apple.com/forums/tags/network-extension</link>",
    )
    threads, _ = read(path)
    assert (threads[0].key, threads[0].url) == ("id:777", "https://developer.apple.com/forums/thread/777")


def test_a_javascript_link_gives_no_url(tmp_path: Path) -> None:
    path = write_feed(tmp_path, "<item><title>Evil</title><link>javascript:alert(1)</link></item>")
    threads, _ = read(path)
    assert (threads[0].key, threads[0].url) == ("title:Evil", "")


def test_a_permalink_guid_stands_in_for_a_missing_link(tmp_path: Path) -> None:
    path = write_feed(
        tmp_path, "<item><title>G</title><guid>https://developer.apple.com/forums/thread/55</guid></item>"
    )
    threads, _ = read(path)
    assert threads[0].key == "id:55"


def test_scraped_on_falls_back_to_the_channel_pubdate_then_empty(tmp_path: Path) -> None:
    with_pubdate = tmp_path / "a.rss"
    with_pubdate.write_text(
        "<rss><channel><title>T</title><pubDate>Sun, 01 Mar 2026 00:00:00 GMT</pubDate>"
        "<item><title>x</title></item></channel></rss>",
        encoding="utf-8",
    )
    undated = tmp_path / "b.rss"
    undated.write_text("<rss><channel><item><title>x</title></item></channel></rss>", encoding="utf-8")
    assert read(with_pubdate)[0][0].scraped_on == "2026-03-01"
    assert read(undated)[0][0].scraped_on == ""


@pytest.mark.parametrize(
    ("title", "forum"),
    [
        ("Network Extension", "Network Extension"),
        ("Network Extension | Apple Developer Forums", "Network Extension"),
        ("Apple Developer Forums - Posts under Network Extension tag", "Network Extension"),
        ("Posts under Networking subtopic", "Networking"),
        ("  Developer Forums: Safari  Extensions ", "Safari Extensions"),
        ("", ""),
    ],
)
def test_forum_name_from_the_feed_title(tmp_path: Path, title: str, forum: str) -> None:
    path = tmp_path / "f.rss"
    path.write_text(f"<rss><channel><title>{title}</title><item><title>x</title></item></channel></rss>")
    assert read(path)[0][0].forum == forum


# -- entries that are skipped or repaired ----------------------------------------


def test_an_item_without_title_is_reported_and_skipped(tmp_path: Path) -> None:
    path = write_feed(tmp_path, "<item>\n<link>https://developer.apple.com/forums/thread/9</link></item>\n" + ITEM)
    threads, warnings = read(path)
    assert [t.key for t in threads] == ["id:1001"]
    assert warnings == ["feed.rss:5: item has no title; skipped"]


def test_an_unreadable_date_is_reported_and_left_empty(tmp_path: Path) -> None:
    path = write_feed(tmp_path, "<item><title>x</title><pubDate>last Tuesday</pubDate></item>")
    threads, warnings = read(path)
    assert (threads[0].created, threads[0].last_active) == ("", "")
    assert warnings == ["feed.rss:5: unreadable publication date 'last Tuesday'; left empty"]


def test_invalid_utf8_is_replaced_and_reported(tmp_path: Path) -> None:
    path = write_feed(tmp_path, ITEM.replace("A thread", "Caf_ thread"))
    path.write_bytes(path.read_bytes().replace(b"Caf_", b"Caf\xe9"))  # Latin-1 byte in UTF-8
    threads, warnings = read(path)
    assert threads[0].title == "Caf\ufffd thread"
    assert warnings == ["feed.rss:5: invalid UTF-8 bytes replaced with U+FFFD"]


def test_control_characters_xml_forbids_are_removed_and_reported(tmp_path: Path) -> None:
    path = write_feed(tmp_path, ITEM.replace("A thread", "A\x07 thread\x00"))
    threads, warnings = read(path)
    assert threads[0].title == "A thread"
    assert warnings == ["feed.rss:5: removed 2 control character(s) that XML does not allow"]


def test_declared_latin1_and_bom_utf16_are_decoded(tmp_path: Path) -> None:
    latin1 = tmp_path / "latin1.rss"
    latin1.write_bytes(
        '<?xml version="1.0" encoding="ISO-8859-1"?><rss><channel><item><title>Caf\xe9</title></item></channel></rss>'
        .encode("latin-1")
    )
    utf16 = tmp_path / "utf16.rss"
    utf16.write_bytes("<rss><channel><item><title>Caf\u00e9 \u2014 \u2019</title></item></channel></rss>".encode("utf-16"))
    assert read(latin1)[0][0].title == "Caf\u00e9"
    assert read(utf16)[0][0].title == "Caf\u00e9 \u2014 \u2019"


# -- files that cannot be read at all ---------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss><channel><item><title>&lol9;</title></item></channel></rss>
"""


def test_billion_laughs_is_refused_fast(tmp_path: Path) -> None:
    path = tmp_path / "bomb.rss"
    path.write_text(BILLION_LAUGHS, encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(InputError) as refused:
        list(read_feed(path))
    assert time.perf_counter() - started < 1.0
    assert str(refused.value) == (
        f"{path}:2: document type declarations and entities are refused "
        "(they can expand without limit or read other files)"
    )


def test_external_entities_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "xxe.rss"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        "<rss><channel><item><title>&x;</title></item></channel></rss>",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as refused:
        list(read_feed(path))
    assert (refused.value.line, "refused" in refused.value.message) == (2, True)


def test_an_undeclared_html_entity_is_a_well_formedness_error(tmp_path: Path) -> None:
    path = write_feed(tmp_path, "<item><title>a&nbsp;b</title></item>")
    with pytest.raises(InputError) as error:
        list(read_feed(path))
    assert str(error.value) == f"{path}:5: not well-formed XML: undefined entity"


def test_a_truncated_feed_is_an_input_error_before_any_thread(tmp_path: Path) -> None:
    path = write_feed(tmp_path, ITEM + ITEM)
    path.write_bytes(path.read_bytes()[:-40])
    threads = read_feed(path)
    with pytest.raises(InputError) as error:
        next(threads)
    assert error.value.path == str(path)
    assert error.value.message.startswith("not well-formed XML")


def test_a_document_that_is_not_a_feed_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "page.xml"
    path.write_text("<html><body>hi</body></html>")
    with pytest.raises(InputError) as error:
        list(read_feed(path))
    assert str(error.value) == f"{path}:1: root element <html> is not <rss> or <feed>"


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as error:
        list(read_feed(tmp_path / "absent.rss"))
    assert str(error.value) == f"{tmp_path / 'absent.rss'}: cannot read feed: No such file or directory"


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep.rss"
    path.write_text("<rss>" + "<x>" * 100 + "</x>" * 100 + "</rss>")
    with pytest.raises(InputError) as error:
        list(read_feed(path))
    assert error.value.message == "elements nested deeper than 64"


def test_an_oversized_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rss, "MAX_FEED_BYTES", 100)
    path = write_feed(tmp_path, ITEM)
    with pytest.raises(InputError) as error:
        list(read_feed(path))
    assert error.value.message == "feed is larger than 100 bytes"


# -- format detection -------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('<?xml version="1.0"?>\n<rss version="2.0">', True),
        ('\ufeff<?xml version="1.0"?><!-- generated --><feed xmlns="http://www.w3.org/2005/Atom">', True),
        ("<atom:feed xmlns:atom='http://www.w3.org/2005/Atom'>", True),
        ("<!DOCTYPE rss><rss>", True),  # detected, then refused with a clear error
        ("Network Extension\n\nRSS for tag\n\nPosts under Network Extension tag", False),
        ('{"title": "x"}\n', False),
        ("<html><head><title>rss</title>", False),
        ("<rssfeed>", False),
        ("", False),
    ],
)
def test_looks_like(head: str, expected: bool) -> None:
    assert looks_like(head) is expected


def test_both_fixtures_are_recognised_by_content() -> None:
    for path in (RSS_FIXTURE, ATOM_FIXTURE):
        assert looks_like(path.read_bytes()[:4096].decode("utf-8", errors="replace"))


def test_reading_twice_gives_the_same_threads() -> None:
    assert read(RSS_FIXTURE) == read(RSS_FIXTURE)


def test_a_sidecar_or_as_of_date_fills_only_an_undated_feed(tmp_path: Path) -> None:
    undated = tmp_path / "undated.rss"
    undated.write_text("<rss><channel><item><title>x</title></item></channel></rss>", encoding="utf-8")
    assert [t.scraped_on for t in read_feed(undated, scraped_on="2026-03-05")] == ["2026-03-05"]
    assert {t.scraped_on for t in read_feed(RSS_FIXTURE, scraped_on="2026-03-05")} == {"2026-03-03"}


def test_only_xml_whitespace_is_collapsed_in_titles(tmp_path: Path) -> None:
    path = write_feed(tmp_path, "<item><title>\n  Tab\tand\u2028line\x85sep\u00a0 </title></item>")
    assert read(path)[0][0].title == "Tab and\u2028line\x85sep\u00a0"
