"""Property tests: the fast forms of the converter's patterns find exactly what
their plain forms find.

Patterns that start with a lookbehind are tried at every character; the
converter rewrites them to start with the character they need, or gates them
(generator/gates.py) behind a pattern that must occur in every match.  Each
test here states the plain form and checks, on text built from the pieces
the pattern cares about, that the matches (spans and groups) are the same.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from generator import classify, prose, searchterms, segment
from generator.gates import Gated


def pieces(*fragments: str) -> st.SearchStrategy[str]:
    """Texts made of the given fragments and a few separators."""
    common = [" ", "  ", "\n", "\t", ".", ":", "!", "?", ")", "(", "[", "]", "{", "}", "=", "-", "_", "x", "A", "7", "é"]
    return st.lists(st.sampled_from([*fragments, *common]), max_size=16).map("".join)


def same_matches(fast: re.Pattern[str] | Gated, plain: re.Pattern[str], text: str) -> None:
    expected = [(m.span(), m.groups()) for m in plain.finditer(text)]
    assert [(m.span(), m.groups()) for m in fast.finditer(text)] == expected


def plain(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(pattern, flags)


@settings(max_examples=300)
@given(text=pieces("2026-03-16 10:22:33", "2026-03-16T10:22:33.123+01:00", "12026-03-16 10:22:33", "Z", "+0100", "1"))
def test_timestamps(text):
    reference = plain(r"(?<!\d)\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[+-]\d{2}:?\d{2}|Z)?")
    same_matches(segment._TIMESTAMP, reference, text)


@settings(max_examples=300)
@given(text=pieces("[0x1a2b]", "[0xABCDEF12]", "[0x12]", "x[0x1234]", ". ", "! "))
def test_address_entries(text):
    same_matches(segment._ADDRESS_ENTRY, plain(r"(?:^|(?<=[.:!?]\s))\[0x[0-9a-fA-F]{4,}\]"), text)


@settings(max_examples=300)
@given(text=pieces('{ "key" = ', "{ key = ", "{key => ", "a{ k = ", "${ k = ", "){ k = ", "]{ k = ", '"x" => '))
def test_old_style_dictionaries(text):
    reference = plain(r'(?<![\w$)\]])\{\s*(?:"[^"\s]{1,80}"|[A-Za-z_][\w.-]{0,80})\s*(?:=>|=)\s')
    same_matches(segment._DICT_ANCHOR, reference, text)


@settings(max_examples=300)
@given(text=pieces("$ ls", "$ ./run", "x$ ls", "$ ~/bin", "$  ", "$x"))
def test_shell_prompts(text):
    same_matches(segment._PROMPT, plain(r"(?:^|(?<=\s))\$ (?=[A-Za-z./~])"), text)


@settings(max_examples=300)
@given(text=pieces("Error Domain=NEVPNErrorDomain Code=1", "xError Domain=A Code=-2", ' "failed"', "Error Domain=", " Code=3"))
def test_error_domains(text):
    reference = plain(r"(?<!\w)Error Domain=[\w.]+ Code=-?\d+(?: \"[^\"]{0,500}\")?")
    same_matches(segment._ERROR_DOMAIN, reference, text)


@settings(max_examples=300)
@given(text=pieces("sysextd", "xsysextd", "sysextd ", "sysextd [com.apple.sx:XPC] ", "nesessionmanager (Security) ", "a"))
def test_process_name_entries(text):
    name = "sysextd"
    fast = re.compile(segment._entry_pattern(name))
    same_matches(fast, plain(r"(?<![\S])" + re.escape(name) + r" (?=\S)"), text)


GATED = {
    "_SWIFT_ANCHOR": ("import Foundation", "import X class", " class Foo {", "struct S: P {", "@objc ", "public ", "final ",
                      "func run(", "func f<T>(", "enum E {", "extension A {", "protocol P {", "actor A {", "xclass B {"),
    "_SWIFT_CALL": ("Foo.bar( x: ", "NEVPNManager.shared().save( completion: ", "a.B( c: ", "B(\n d:\t"),
    "_OBJC_ANCHOR": ("@interface Foo", '#import "A.h" @implementation B', "@protocol P", "x@interface Y", "#import <X/Y.h> "),
    "_PROCESS_TAG": ("sysextd [com.apple.sx:XPC] ", "neagent (Security) ", "x [a] ", "nesm [b.c:d-e] ", "A (Bb) "),
    "_KV_EQ": ("CODE_SIGN_IDENTITY = Apple", "com.apple.developer.team-identifier = ABC", 'A.b = "x y"', "k_v = [1 2]", " = "),
    "_KV_TIGHT": ("Authority=Developer", "TeamIdentifier=ABC", "Ab=c", "xAbc=d", "Abc= d"),
}


@settings(max_examples=200)
@given(data=st.data())
def test_gates_never_hide_a_match(data):
    for name, fragments in GATED.items():
        gated = getattr(segment, name)
        text = data.draw(pieces(*fragments), label=name)
        same_matches(gated, gated.pattern, text)


def test_gates_are_cheap_patterns():
    """A gate must start with a literal (or a set of literals), or it saves nothing."""
    for name in GATED:
        gate = getattr(segment, name).gate.pattern
        assert not gate.startswith(("(?<", "(?=", "(?!", "\\s", "\\w", "\\S", ".")), (name, gate)


@settings(max_examples=400)
@given(text=pieces("abc", "a.1", "v26.2", "10.15.7", "..5", ".x", "é.9", "&lt;", "NEFilter_x"))
def test_search_token_runs(text):
    separator = r"\s!-\-/:-@\[-`{-~\u00a0-\u00bf\u2000-\u206f\u2190-\u22ff"
    same_matches(searchterms._TOKEN_RUN, plain(rf"(?:[^{separator}.]|\.(?=\d))+"), text)


@settings(max_examples=500)
@given(
    text=st.one_of(
        st.text(max_size=120),
        pieces("https://a.example/x", "http", "://", "WWDC", "wwdc2020/10001", " session 1", "TN3134", "FB1234567",
               "log stream --info", "codesign -dv", "sudo ", "isEnabled = true", "NEFilterDataProvider", ".start()",
               "/Library/", "~/", "a/b/c", "x/y.swift", "com.example.app.ext", "content-filter-provider",
               "-systemextension", "Info.plist", "run()", "peekBytes", "NSError", "xpc_main", "@", "+", "/",
               # plain words, refused at once by the guard, and words that only look plain
               "the", "When", "A1234", "10", "logs", "dig", "curl", "https", "Sec", "UNKnown", ", ", "\" ", "'", ":"),
    )
)
def test_inline_markup_guard_keeps_every_match(text):
    """prose._INLINE tries its kinds only at word starts and "http"; the
    matches must be those of the kinds tried everywhere."""
    everywhere = re.compile(prose._INLINE_KINDS, re.X)
    expected = [(m.span(), m.lastgroup, m.groupdict()) for m in everywhere.finditer(text)]
    assert [(m.span(), m.lastgroup, m.groupdict()) for m in prose._INLINE.finditer(text)] == expected


CLASSIFY_PLAIN = {
    "_CLASS_NAME": (
        r"(?<![\w.])(?:NE|NW|OSSystemExtension|NSXPC|Sec(?:Trust|Key|Code|StaticCode|Item|Certificate|Identity|Policy))"
        r"[A-Z]?[A-Za-z0-9]*[a-z][A-Za-z0-9]*(?!\w)",
        ("NEFilterDataProvider", "NWPath", "xNEVPN", ".NEProxy", "OSSystemExtensionRequest", "NSXPCConnection",
         "SecTrustEvaluate", "SecCodeCheck", "SecFoo", "NE", "Ne"),
    ),
    "_FEEDBACK": (r"(?<!\w)FB(\d{6,10})(?!\w)", ("FB1234567", "xFB1234567", "FB12345", "FB12345678901")),
    "_TECH_NOTE": (r"(?<!\w)TN\s?(\d{4})(?!\w)", ("TN3134", "TN 3134", "xTN3134", "TN31345")),
    "_RADAR": (r"(?<!\w)(?:rdar://(?:problem/)?|r\.\s?)(\d{6,10})(?!\w)",
               ("rdar://1234567", "rdar://problem/1234567", "r. 1234567", "r.1234567", "xr.1234567", "err.1234567")),
    "_ENTITLEMENT_KEY": (r"(?<![\w.])com\.apple\.(?:developer|security)\.[A-Za-z0-9.-]*[A-Za-z0-9]",
                         ("com.apple.developer.networking.networkextension", "xcom.apple.developer.a", "com.apple.security.app-sandbox",
                          ".com.apple.developer.x", "com.apple.developer.")),
}


@settings(max_examples=200)
@given(data=st.data())
def test_classifier_symbol_patterns(data):
    from generator import classify

    for name, (reference, fragments) in CLASSIFY_PLAIN.items():
        text = data.draw(pieces(*fragments), label=name)
        same_matches(getattr(classify, name), plain(reference), text)


@settings(max_examples=400)
@given(text=st.one_of(
    pieces("NEFilterErrorDomain", "Code=", "code ", "error", "Error", "ERROR", "ErrorDomain", " 4", "-1", "(", ",", ":", "ı", "İ"),
    st.text(max_size=60),
))
def test_error_code_gate_never_hides_a_match(text):
    from generator import classify

    expected = [(m.span(), m.groups()) for m in classify._ERROR_CODE.finditer(text)]
    assert [(m.span(), m.groups()) for m in classify._error_code_matches(text)] == expected


@settings(max_examples=400)
@given(text=pieces("Steps to reproduce", "Steps to reproduce:", "Questions:", "questions", "Environment", "Note:",
                   "My Setup:", "Label (x):", "So:", "Thanks", ". ", "! ", '." ', "”", "We ", "the"))
def test_section_starts(text):
    """prose._heading_matches finds the section starts of the plain pattern;
    a match may begin one whitespace character early (the gap is stripped)."""
    reference = plain(
        r"(?:^|(?<=\s))(?P<colon>(?i:" + prose._KNOWN_PATTERN + r")):(?=\s)"
        r"|(?:^|(?<=[.!?]\s)|(?<=[.!?][)\"”’]\s))(?:"
        r"(?P<known>(?i:" + prose._KNOWN_PATTERN + r"))(?=\s)"
        r"|(?P<label>[A-Z][\w'’&-]*(?: [\w'’&()-]+){0,2}):(?=\s)"
        r")"
    )
    expected = list(reference.finditer(text))
    found = list(prose._heading_matches(text))
    assert len(found) == len(expected)
    for new, old in zip(found, expected):
        assert (new.end(), new.group(0).strip(), new.groupdict()) == (old.end(), old.group(0).strip(), old.groupdict())
        assert new.start() == old.start() or (new.start() == old.start() - 1 and text[new.start()].isspace())


@settings(max_examples=400)
@given(text=pieces("## Related threads", "### Asked before x", "# Title", "## Question", '<h2 data-search-exclude>R</h2>',
                   "<h3>x</h3>", '!!! info "Asked before / also asked"', "    - [a](b.md)", "!!! note", "text", "\n\n"))
def test_search_excluded_parts(text):
    from generator import search

    section = plain(
        r"^(?:#{2,6}\s*(?:Related threads|Asked before[^\n]*)"
        r"|<h[2-6][^<>]*data-search-exclude[^<>]*>(?:.*?</h[2-6]>(?=\s*$)|.*\Z))\s*$"
        r".*?(?=^#{1,6}\s|^<h[1-6]\b|\Z)",
        re.S | re.M | re.I,
    )
    same_matches(search._EXCLUDED_SECTION, section, text)
    same_matches(search._ADMONITION_ASKED, plain(r'^!!! \w+ "Asked before[^\n]*\n(?:\n|    [^\n]*\n)*', re.M), text)


@settings(max_examples=300)
@given(text=pieces("NEPacketTunnelFlow", "writePacketObjects", "IPv4", "NEIPv4Settings", "the", "Filter", "filter", "&lt;",
                   "10.15", "é", "x_y"))
def test_word_counts_count_every_token_and_form(text):
    """search.word_counts counts each distinct token once (speed): the counts
    are those of listing every token and its identifier forms in order."""
    from collections import Counter

    from generator.search import word_counts
    from generator.searchterms import identifier_forms, is_identifier, tokens

    words = []
    for token in tokens(text):
        words.append(token.lower())
        if is_identifier(token):
            words.extend(identifier_forms(token))
    assert word_counts(text) == Counter(words)


@settings(max_examples=400)
@given(text=pieces("iOS 17", "macOS 26.1", "Mac OS X 10.15.7", "macOS Sonoma 14.4", "Tahoe", "tahoe", "iPadOS: 18",
                   "visionOS 2", "watchOS", "tvOS 26", "-iOS 17", "xmacOS 14", "Big Sur", "os x", "v14", "(", "26.2.1"))
def test_os_version_first_letters(text):
    """classify's version pattern checks the first letter of the names
    first; the matches must be those of the pattern without that check."""
    fast = classify._compile(classify.load_taxonomy()).versions
    plain_form = re.sub(r"^\(\?<!\[\\w-\]\)\(\?=\[[^\]]+\]\)", lambda _: r"(?<![\w-])", fast.pattern)
    assert plain_form != fast.pattern
    same_matches(fast, plain(plain_form, re.IGNORECASE), text)
