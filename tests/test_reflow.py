"""Spec: reflowing flattened code segments into lines with indentation."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.reflow import reflow


def non_space(text: str) -> str:
    return re.sub(r"\s", "", text)


def test_swift_class_gets_nested_lines_and_blank_line_between_methods():
    code = (
        "import NetworkExtension class P: NEPacketTunnelProvider { override func wake() { } "
        "override func sleep(completionHandler: @escaping () -> Void) { completionHandler() } }"
    )
    assert reflow(code, "swift") == (
        "import NetworkExtension\n"
        "\n"
        "class P: NEPacketTunnelProvider {\n"
        "    override func wake() { }\n"
        "\n"
        "    override func sleep(completionHandler: @escaping () -> Void) {\n"
        "        completionHandler()\n"
        "    }\n"
        "}"
    )


def test_swift_statements_split_without_semicolons_and_closure_header_stays_on_brace_line():
    code = 'let a = f(x: "1") a.b = [c] g(a) { error in if let e = error { h(e) return } k() }'
    assert reflow(code, "swift") == (
        'let a = f(x: "1")\n'
        "a.b = [c]\n"
        "g(a) { error in\n"
        "    if let e = error {\n"
        "        h(e)\n"
        "        return\n"
        "    }\n"
        "    k()\n"
        "}"
    )


def test_swift_guard_conditions_one_per_line_and_else_return_kept_short():
    code = "guard let a = b as? C, let d = a.e else { return .allow() } return .drop()"
    assert reflow(code, "swift") == (
        "guard let a = b as? C,\n"
        "    let d = a.e else { return .allow() }\n"
        "return .drop()"
    )


def test_swiftui_modifiers_chain_one_per_line():
    code = 'VStack { Toggle("A", isOn: $a) .onChange(of: a) { Task { await s() } } } .padding()'
    assert reflow(code, "swift") == (
        "VStack {\n"
        '    Toggle("A", isOn: $a)\n'
        "        .onChange(of: a) {\n"
        "            Task {\n"
        "                await s()\n"
        "            }\n"
        "        }\n"
        "}\n"
        ".padding()"
    )


def test_argument_list_written_one_per_line_is_exploded_again():
    code = "V.f( a: true, b: X(c: 1, d: 2), e: .any )"
    assert reflow(code, "swift") == "V.f(\n    a: true,\n    b: X(c: 1, d: 2),\n    e: .any\n)"


def test_objective_c_methods_blocks_and_directives():
    code = (
        "@interface S () @property (nonatomic) int x; @end @implementation S - (void) go { "
        'self.h = ^{ [L log: "a; b"]; }; [self run]; } @end'
    )
    assert reflow(code, "objc") == (
        "@interface S ()\n"
        "@property (nonatomic) int x;\n"
        "@end\n"
        "\n"
        "@implementation S\n"
        "\n"
        "- (void) go {\n"
        "    self.h = ^{\n"
        '        [L log: "a; b"];\n'
        "    };\n"
        "    [self run];\n"
        "}\n"
        "@end"
    )


def test_plist_one_element_per_line_leaves_whole():
    code = '<?xml version="1.0"?> <plist version="1.0"> <dict> <key>k</key> <array> <string>a b</string> </array> <key>t</key> <true/> </dict> </plist>'
    assert reflow(code, "plist") == (
        '<?xml version="1.0"?>\n'
        '<plist version="1.0">\n'
        "    <dict>\n"
        "        <key>k</key>\n"
        "        <array>\n"
        "            <string>a b</string>\n"
        "        </array>\n"
        "        <key>t</key>\n"
        "        <true/>\n"
        "    </dict>\n"
        "</plist>"
    )


def test_old_style_dictionary_one_entry_per_line():
    code = "{ name = X grade = 2 urlFilter = { Enabled = YES pirServerURL = https://h/pir } }"
    assert reflow(code, "dict") == (
        "{\n    name = X\n    grade = 2\n    urlFilter = {\n        Enabled = YES\n        pirServerURL = https://h/pir\n    }\n}"
    )


def test_log_entries_one_per_line():
    code = "sysextd [a:b] request for x sysextd (Security) pass (×2) sysextd no policy"
    assert reflow(code, "log") == "sysextd [a:b] request for x\nsysextd (Security) pass (×2)\nsysextd no policy"


def test_shell_session_commands_and_output_records():
    code = "$ spctl -a -vv /A.app /A.app: accepted source=Notarized Developer ID $ xcrun stapler validate /A.app The validate action worked!"
    assert reflow(code, "shell") == (
        "$ spctl -a -vv /A.app\n/A.app: accepted\nsource=Notarized Developer ID\n$ xcrun stapler validate /A.app\nThe validate action worked!"
    )


def test_codesign_dump_keeps_two_word_keys():
    code = "Authority=Developer ID Application: N (T) Authority=Apple Root CA TeamIdentifier=T Runtime Version=26.2.0"
    assert reflow(code, "keyvalue") == "Authority=Developer ID Application: N (T)\nAuthority=Apple Root CA\nTeamIdentifier=T\nRuntime Version=26.2.0"


def test_verbatim_code_keeps_its_lines_and_only_flat_brace_code_is_reindented():
    indented = "func a() {\n  b()\n}"
    assert reflow(indented, "swift", verbatim=True) == indented
    assert reflow("func a() {\nb()\n}", "swift", verbatim=True) == "func a() {\n    b()\n}"
    assert reflow("line one\nline two", "log", verbatim=True) == "line one\nline two"


CODE_ALPHABET = st.sampled_from(
    list("abcXYZ019 _.,:;=@#$?!\"'\\/*-+<>()[]{}^~`") + ["\n", "\t", "func ", "let ", "in ", "else ", "{ ", "} ", "( ", " )", "<key>", "</key>", "@end ", "$ ", "//", "/*", "*/", "=> "]
)


@settings(max_examples=200, deadline=None)
@given(
    code=st.lists(CODE_ALPHABET, max_size=80).map("".join),
    flavor=st.sampled_from(["swift", "objc", "plist", "dict", "log", "keyvalue", "shell", "error", "verbatim"]),
    verbatim=st.booleans(),
)
def test_reflow_never_loses_or_reorders_a_non_space_character(code, flavor, verbatim):
    assert non_space(reflow(code, flavor, verbatim)) == non_space(code)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_reflow_of_any_text_keeps_every_non_space_character(code):
    for flavor in ("swift", "objc", "plist", "dict"):
        assert non_space(reflow(code, flavor)) == non_space(code)
