"""Spec: segmenting flattened (and multi-line) post bodies into prose and code."""

from __future__ import annotations

import time

import pytest

from generator.segment import Segment, segment


def kinds(text: str) -> list[tuple[str, str]]:
    return [(s.kind, s.flavor) for s in segment(text)]


def test_swift_class_between_prose_is_one_swift_segment():
    text = (
        "My provider: import NetworkExtension class P: NEPacketTunnelProvider { "
        "override func wake() { } } Why does it fail?"
    )
    assert segment(text) == (
        Segment("prose", "My provider:"),
        Segment("code", "import NetworkExtension class P: NEPacketTunnelProvider { override func wake() { } }", "swift"),
        Segment("prose", "Why does it fail?"),
    )


def test_consecutive_override_funcs_stay_one_block_and_prose_after_ends_it():
    text = "Code: override func a() { x() } override func b() { y() } how can i fix it?"
    assert [s.text for s in segment(text)] == [
        "Code:",
        "override func a() { x() } override func b() { y() }",
        "how can i fix it?",
    ]


def test_multi_line_call_flattened_is_swift():
    text = "We use: NEFilterNewFlowVerdict.filterDataVerdict( withFilterInbound: true, peekInboundBytes: 1 ) However, it stalls."
    assert kinds(text) == [("prose", ""), ("code", "swift"), ("prose", "")]
    assert segment(text)[1].language == "swift"


def test_objective_c_interface_and_implementation_are_one_block_per_file():
    text = "Server.m @interface S () @end @implementation S - (void) start { [x resume]; } @end Client.m @interface C () @end"
    assert kinds(text) == [("prose", ""), ("code", "objc"), ("prose", ""), ("code", "objc")]
    assert segment(text)[1].text.endswith("[x resume]; } @end")
    assert segment(text)[1].language == "objectivec"


def test_plist_with_dangling_doctype_tail_is_xml():
    text = 'File: a.entitlements: "http://www.apple.com/DTDs/PropertyList-1.0.dtd"> <plist version="1.0"> <dict> <key>k</key> <true/> </dict> </plist> Then it fails.'
    parts = segment(text)
    assert [p.kind for p in parts] == ["prose", "code", "prose"]
    assert parts[1].text.startswith('"http://www.apple.com/DTDs/')
    assert parts[1].language == "xml"


def test_old_style_dictionary_is_text_block():
    text = "like this: { name = X urlFilter = { Enabled = YES } } But I got"
    parts = segment(text)
    assert parts[1] == Segment("code", "{ name = X urlFilter = { Enabled = YES } }", "dict")
    assert parts[1].language == "text"


def test_repeated_process_log_lines_end_where_prose_resumes():
    text = (
        "From log stream: sysextd [com.apple.sx:XPC] client activation request "
        "sysextd (Security) SecKeyVerifySignature pass sysextd no policy, cannot allow apps "
        "Signature and trust evaluation pass."
    )
    parts = segment(text)
    assert parts[1].flavor == "log"
    assert parts[1].text.endswith("cannot allow apps")
    assert parts[2].text == "Signature and trust evaluation pass."


def test_prose_mentions_of_a_process_are_not_logs():
    assert kinds("Killing sysextd — no change. Rebooting sysextd — no change. sysextd is stuck.") == [("prose", "")]


def test_shell_session_is_console_and_ends_after_its_output_sentence():
    text = "Checks: $ spctl -a -vv /A.app /A.app: accepted $ xcrun stapler validate /A.app The validate action worked! App signing: fine"
    parts = segment(text)
    assert parts[1] == Segment("code", "$ spctl -a -vv /A.app /A.app: accepted $ xcrun stapler validate /A.app The validate action worked!", "shell")
    assert parts[1].language == "console"
    assert parts[2].text == "App signing: fine"


def test_log_line_before_plist_gives_its_caption_back_to_prose():
    text = "logs: 2026-02-24 13:15:36.419345+0300 host p[1]: (lib) [a:b] go: x=1 Entitlements Network Extension: <?xml version=\"1.0\"?> <plist> </plist>"
    assert [(s.kind, s.flavor, s.text) for s in segment(text)][1:3] == [
        ("code", "log", "2026-02-24 13:15:36.419345+0300 host p[1]: (lib) [a:b] go: x=1"),
        ("prose", "", "Entitlements Network Extension:"),
    ]


def test_error_domain_and_description_objects_are_text():
    assert kinds('It failed: Error Domain=NEFilterErrorDomain Code=1 "Configuration invalid" and stopped.')[1] == ("code", "error")
    parts = segment("on the app: Received filter status change: <FilterStatus: 'stopped' errorMessage: 'x (y.)'> What?")
    assert parts[1].text == "Received filter status change: <FilterStatus: 'stopped' errorMessage: 'x (y.)'>"


def test_key_value_dump_is_one_text_block():
    text = "App entitlements: com.apple.a = X com.apple.b-c = true keychain-access-groups = [T.*] Extension signing: same"
    parts = segment(text)
    assert parts[1] == Segment("code", "com.apple.a = X com.apple.b-c = true keychain-access-groups = [T.*]", "keyvalue")


@pytest.mark.parametrize(
    "prose",
    [
        "Let me know if import is possible. I wrote a func to test.",
        "We set includeAllNetworks = true and excludeAPNS = false on the manager.",
        "Use NEFilterDataProvider (see docs) to filter { traffic }.",
        "The class Foo is in /Applications and the log says nothing.",
    ],
)
def test_plain_prose_stays_prose(prose):
    assert kinds(prose) == [("prose", "")]


def test_multiline_pre_block_is_verbatim_code_and_bullets_stay_prose():
    text = "Intro line.\n\nfunc a() {\n    b()\n}\n\n• first\n• second"
    parts = segment(text)
    assert parts == (
        Segment("prose", "Intro line."),
        Segment("code", "func a() {\n    b()\n}", "swift", verbatim=True),
        Segment("prose", "• first\n• second"),
    )


def test_bad_input_gives_no_segments_and_no_traceback():
    assert segment("") == ()
    assert segment(None) == ()  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "body",
    ["[" * 50_000, "`" * 5_000, "{" * 50_000, "func a( " * 20_000, "<plist " * 20_000, "sysextd [a] x " * 20_000],
)
def test_pathological_bodies_segment_quickly(body):
    started = time.perf_counter()
    parts = segment(body)
    assert "".join(p.text for p in parts).replace(" ", "") == body.replace(" ", "")
    assert time.perf_counter() - started < 1.0
