"""Turn a flattened code segment back into lines with indentation.

The scrape replaced every newline with a space.  Each reflow here only
decides, for every gap *between* tokens, whether it becomes a space, nothing
or a line break plus indentation; tokens themselves (string literals,
comments, tags) are never touched.  So a reflow can never lose, add or reorder
a non-space character — the property ``tests/test_reflow.py`` checks.

* Swift / Objective-C: a brace-aware pass (no parser dependency): a block
  opens a line and indents, a closing brace gets its own line, statements are
  split where one expression ends and the next begins (Swift has no ``;``),
  or after ``;`` (Objective-C).  Argument lists that were written one per
  line (``foo( a: 1, b: 2 )`` — the space after ``(`` betrays the newline)
  are exploded again.
* plist/XML: one element per line, leaf elements (``<key>x</key>``) whole.
* Old-style dictionaries (``{ key = value … }``, ``"k" => v``): one entry per line.
* Logs, ``key = value`` dumps, shell sessions: one entry / command / output
  line per line.
"""

from __future__ import annotations

import re

INDENT = "    "


# --------------------------------------------------------------------------
# Output buffer
# --------------------------------------------------------------------------


class _Lines:
    """Accumulates lines; the only mutable helper, local to one reflow call."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.current = ""

    def add(self, token: str, spaced: bool) -> None:
        if self.current.strip():
            self.current += (" " if spaced else "") + token
        else:
            self.current += token

    def newline(self, indent: int, blank: bool = False) -> None:
        if self.current.strip():
            self.lines.append(self.current.rstrip())
            if blank:
                self.lines.append("")
        self.current = INDENT * max(0, indent)

    def text(self) -> str:
        if self.current.strip():
            self.lines.append(self.current.rstrip())
        return "\n".join(self.lines)


# --------------------------------------------------------------------------
# Swift / Objective-C
# --------------------------------------------------------------------------

_C_TOKEN = re.compile(
    r"""(\s*)(
      @?"(?:\\.|[^"\\])*"?          # string literal, ObjC @"…"
    | /\*.*?(?:\*/|$)               # block comment
    | (?:try|as)[?!]                # try? as! are one keyword
    | [@#]?[A-Za-z_$][\w$]*         # identifier, @attribute, #directive, $binding
    | \d[\w.]*                      # number
    | ->|\.\.\.|\.\.<|==|!=|<=|>=|&&|\|\||\?\?|[-+*/]=
    | \S
    )""",
    re.S | re.X,
)
_LINE_COMMENT = re.compile(r"(\s*)(//[^\n]*)")
# In flattened code: "//" and the plain words after it; a word followed by
# code punctuation ("session.cancel()") or a statement's keyword ("return",
# "let") is code again.
_STATEMENT_WORDS = (
    "let|var|return|if|guard|else|for|while|switch|case|default|do|try|await|throw|defer|break|continue"
    "|func|self|super|import|class|struct|enum|extension|protocol|init|deinit|nil|true|false|NSLog|print"
)
_FLAT_COMMENT = re.compile(
    r"(\s*)(//(?:[ \t]+(?!(?:" + _STATEMENT_WORDS + r")\b)[A-Za-z][A-Za-z0-9'’-]*[.,:;!?]?)+)(?=\s|$)"
)

# Swift words after which an expression has not ended.
_SWIFT_OPEN_WORDS = frozenset(
    "return let var func class struct enum protocol extension import if guard while for in case "
    "else throw try try? try! await as as? as! is some any private public internal fileprivate open "
    "override static final weak unowned lazy mutating inout where switch repeat defer do catch "
    "convenience required nonisolated indirect typealias actor throws rethrows".split()
)
# Swift words that continue the statement before them.
_SWIFT_CONTINUATIONS = frozenset("in else as as? as! is where throws rethrows async catch".split())
_DECLARATION_START = frozenset(
    "override func private public internal fileprivate open static class struct enum extension "
    "protocol init deinit @objc @MainActor @available typealias".split()
)
_OBJC_DIRECTIVES = frozenset(
    "@end @property @interface @implementation @protocol @synthesize @dynamic @optional @required "
    "#import #include #define #pragma #if #endif #else".split()
)
_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*|\d[\w.]*|@?\".*")


def _c_tokens(code: str) -> list[tuple[str, bool]]:
    """``(token, preceded_by_whitespace)`` for C-family code.

    A ``//`` comment runs to the end of its line when the code kept its line
    breaks.  In a flattened body it would swallow the rest of the code, so
    there it holds only the plain words after it ("// clean up the session
    before stopping", up to "session.cancel()"); each word used to become a
    line of its own.
    """
    multiline = "\n" in code
    tokens: list[tuple[str, bool]] = []
    position = 0
    while position < len(code):
        comment = (_LINE_COMMENT if multiline else _FLAT_COMMENT).match(code, position)
        if comment:
            tokens.append((comment.group(2), bool(comment.group(1)) or position == 0))
            position = comment.end()
            continue
        match = _C_TOKEN.match(code, position)
        if match is None:  # only trailing whitespace is left
            break
        tokens.append((match.group(2), bool(match.group(1))))
        position = match.end()
    return tokens


def _matching(tokens: list[tuple[str, bool]]) -> dict[int, int]:
    """Index of the closer for every opener that is closed."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    closers = {")": "(", "]": "[", "}": "{"}
    for index, (token, _) in enumerate(tokens):
        if token in "([{":
            stack.append(index)
        elif token in closers:
            while stack and tokens[stack[-1]][0] != closers[token]:
                stack.pop()
            if stack:
                pairs[stack.pop()] = index
    return pairs


def _ends_expression(token: str, spaced: bool) -> bool:
    if token in (")", "]", "}"):
        return True
    if token in ("?", "!"):
        return not spaced  # `Type?` / `value!`, not the ternary operator
    return bool(_IDENTIFIER.fullmatch(token)) and token not in _SWIFT_OPEN_WORDS


def _starts_statement(token: str) -> bool:
    if token in _SWIFT_CONTINUATIONS:
        return False
    return bool(re.fullmatch(r"[@#]?[A-Za-z_][\w$]*|try[?!]", token))


def _closure_header_end(tokens: list[tuple[str, bool]], brace: int, close: int) -> int | None:
    """Index of ``in`` when ``{ [weak self] a, b in`` opens a closure."""
    allowed = re.compile(r"[A-Za-z_][\w]*|[\[\](),:?!<>.]|->")
    for index in range(brace + 1, min(close, brace + 24)):
        token = tokens[index][0]
        if token == "in":
            return index if index > brace + 1 else None
        if not allowed.fullmatch(token):
            return None
    return None


def reflow_braces(code: str, objc: bool = False) -> str:
    """Lines and indentation for flattened Swift (or Objective-C) code."""
    tokens = _c_tokens(code)
    if not tokens:
        return ""
    pairs = _matching(tokens)
    exploded = {
        opener
        for opener, closer in pairs.items()
        if tokens[opener][0] in "(["
        and closer > opener + 1
        and tokens[opener + 1][1]  # `( label:` — the newline became a space
        and tokens[closer][1]
    }
    out = _Lines()
    indent = 0
    stack: list[int] = []  # open brackets, by token index
    chains: dict[int, int] = {}  # brace depth -> indent before a `.modifier` chain
    inline_until = -1  # end of a short block kept on one line (`else { return }`)
    header_end = -1  # end of a closure header kept on the `{` line
    break_after: set[int] = set()

    def brace_depth() -> int:
        return sum(1 for opener in stack if tokens[opener][0] == "{")

    def at_statement_level() -> bool:
        return not stack or tokens[stack[-1]][0] == "{"

    def new_statement(blank: bool = False) -> None:
        """Line break before a statement: a `.modifier` chain ends here."""
        nonlocal indent
        indent = chains.pop(brace_depth(), indent)
        out.newline(indent, blank=blank)

    for index, (token, spaced) in enumerate(tokens):
        previous, previous_spaced = tokens[index - 1] if index else ("", False)
        if index == 0:
            out.add(token, False)
        elif index <= inline_until or index <= header_end:
            out.add(token, spaced)
        elif token == "}" and stack and tokens[stack[-1]][0] == "{":
            indent = chains.pop(brace_depth(), indent) - 1
            out.newline(indent)
            out.add(token, spaced)
        elif token in (")", "]") and stack and stack[-1] in exploded:
            indent -= 1
            out.newline(indent)
            out.add(token, spaced)
        elif index - 1 in break_after or previous.startswith("//"):
            new_statement(blank=objc and previous == "@end")
            out.add(token, spaced)
        elif at_statement_level() and not objc and token == "." and spaced and previous in (")", "]", "}"):
            # SwiftUI modifiers go one per line: one level deeper than the
            # call they modify, level with the block that closes before them.
            if brace_depth() not in chains:
                chains[brace_depth()] = indent
                indent += 0 if previous == "}" else 1
            out.newline(indent)
            out.add(token, spaced)
        elif previous == "}":
            if token in ("else", "catch", "while", ")", "]", ",", ";", "?", "!", "."):
                out.add(token, spaced)
            else:
                declaration = token in _DECLARATION_START or (objc and token in "-+")
                new_statement(blank=declaration)
                out.add(token, spaced)
        elif previous == "," and stack and stack[-1] in exploded:
            out.newline(indent)
            out.add(token, spaced)
        elif objc and token in _OBJC_DIRECTIVES:
            new_statement(blank=previous == "@end")
            out.add(token, spaced)
        elif objc and token in "-+" and not stack and index + 1 < len(tokens) and tokens[index + 1][0] == "(":
            new_statement(blank=True)
            out.add(token, spaced)
        elif at_statement_level() and not objc and previous == "," and token in ("let", "var", "case"):
            out.newline(indent + 1)  # one condition per line in `guard`/`if`
            out.add(token, spaced)
        elif (
            at_statement_level()
            and not objc
            and _ends_expression(previous, previous_spaced)
            and _starts_statement(token)
            and spaced
        ):
            after_imports = out.current.lstrip().startswith("import ") and token != "import"
            new_statement(blank=after_imports)
            out.add(token, spaced)
        else:
            out.add(token, spaced)

        # Bookkeeping after the token is placed.
        if index <= inline_until:
            continue
        if token in "([{":
            stack.append(index)
            if token == "{":
                close = pairs.get(index)
                inner = [t for t, _ in tokens[index + 1:close]] if close is not None else []
                short_exit = not objc and previous == "else" and inner[:1] == ["return"] and len(inner) <= 6
                if close is not None and (not inner or short_exit) and "{" not in inner:
                    inline_until = close
                    stack.pop()
                    continue
                indent += 1
                header = _closure_header_end(tokens, index, close if close is not None else len(tokens))
                if header is not None:
                    header_end = header
                    break_after.add(header)
                else:
                    break_after.add(index)
            elif index in exploded:
                indent += 1
                break_after.add(index)
        elif token in ")]}" and stack:
            stack.pop()
        elif token == ";" and at_statement_level():
            break_after.add(index)
        elif objc and token == "@end":
            break_after.add(index)
    return out.text()


# --------------------------------------------------------------------------
# plist / XML
# --------------------------------------------------------------------------

_XML_TOKEN = re.compile(r"<[^<>]*>|[^<>]+|[<>]")


def reflow_xml(code: str) -> str:
    """One element per line; ``<key>x</key>`` leaf elements stay whole."""
    tokens = [t.strip() for t in _XML_TOKEN.findall(code)]
    tokens = [t for t in tokens if t]
    out = _Lines()
    indent = 0
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token in ("<", ">"):
            out.add(token, False)  # a stray bracket belongs to the line it ends
        elif token.startswith("</"):
            indent -= 1
            out.newline(indent)
            out.add(token, False)
        elif token.startswith(("<?", "<!")) or token.endswith("/>") or not token.startswith("<"):
            out.newline(indent)
            out.add(token, False)
        else:
            name = re.match(r"<([\w:.-]+)", token)
            closing = f"</{name.group(1)}>" if name else None
            out.newline(indent)
            if closing and index + 2 < len(tokens) and tokens[index + 2] == closing and not tokens[index + 1].startswith("<"):
                out.add(token + tokens[index + 1] + closing, False)
                index += 3
                continue
            if closing and index + 1 < len(tokens) and tokens[index + 1] == closing:
                out.add(token + closing, False)
                index += 2
                continue
            out.add(token, False)
            indent += 1
        index += 1
    return out.text()


# --------------------------------------------------------------------------
# Old-style dictionaries and `=>` property dumps
# --------------------------------------------------------------------------

_DICT_TOKEN = re.compile(r'(\s*)("(?:\\.|[^"\\])*"?|=>|[{}\[\]();,=]|[^\s{}\[\]();,="]+)')


def reflow_dict(code: str) -> str:
    """One ``key = value`` entry per line, nested dictionaries indented."""
    tokens = [(m.group(2), bool(m.group(1))) for m in _DICT_TOKEN.finditer(code)]
    pairs = _matching(tokens)
    exploded = {o for o, c in pairs.items() if tokens[o][0] == "[" and len(" ".join(t for t, _ in tokens[o:c])) > 60}
    out = _Lines()
    indent = 0
    stack: list[int] = []
    for index, (token, spaced) in enumerate(tokens):
        following = tokens[index + 1][0] if index + 1 < len(tokens) else ""
        previous = tokens[index - 1][0] if index else ""
        if token in ("}", "]") and (token == "}" or (stack and stack[-1] in exploded)):
            indent -= 1
            out.newline(indent)
        elif index and (previous in ("{", ";") or (previous == "[" and index - 1 in exploded)):
            out.newline(indent)
        elif previous == "," and stack and stack[-1] in exploded:
            out.newline(indent)
        elif following in ("=", "=>") and index and previous not in ("=", "=>"):
            out.newline(indent)  # a new key
        out.add(token, spaced)
        if token in ("{", "["):
            stack.append(index)
            if token == "{" or index in exploded:
                indent += 1
        elif token in ("}", "]") and stack:
            stack.pop()
    return out.text()


# --------------------------------------------------------------------------
# Logs, key-value dumps, shell sessions
# --------------------------------------------------------------------------

_TIMESTAMP = re.compile(r"(?<!\d)\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}")


def _split_at(code: str, starts: list[int]) -> str:
    """The code broken into lines at the given offsets (whitespace only)."""
    cuts = sorted({0, *[s for s in starts if 0 < s < len(code)]})
    pieces = [code[a:b].strip() for a, b in zip(cuts, cuts[1:] + [len(code)])]
    return "\n".join(" ".join(p.split()) if "\n" not in p else p for p in pieces if p)


def reflow_log(code: str) -> str:
    """One log entry per line: entries start at timestamps or at the process
    name that opens the first entry (``sysextd [com.apple.sx:XPC] …``)."""
    starts = [m.start() for m in _TIMESTAMP.finditer(code)]
    first = re.match(r"([a-z][\w.-]{1,40}) ", code)
    if first and not starts:
        starts += [m.start() for m in re.finditer(r"(?<!\S)" + re.escape(first.group(1)) + r" (?=\S)", code)]
    return _split_at(code, starts)


_KEY_EQ = re.compile(r"(?<!\S)(?:[A-Za-z][\w-]*[._-][\w.-]*\w|[A-Z][A-Z0-9_]{2,})\s=\s")
_KEY_TIGHT = re.compile(r"(?<!\S)[A-Z]\w{2,40}=(?=\S)")
# codesign prints a few keys of two words ("Runtime Version=26.2.0").
_TWO_WORD_KEYS = re.compile(r"(?<!\S)(?:Runtime Version|Notarization Ticket|Sealed Resources|Signed Time|Internal requirements)=")


def reflow_keyvalue(code: str) -> str:
    """One ``key = value`` (or codesign ``Key=value``) pair per line."""
    equals = [m.start() for m in _KEY_EQ.finditer(code)]
    tight = [m.start() for m in _KEY_TIGHT.finditer(code)]
    if len(tight) > len(equals):
        two_word = {m.start(): m.end() for m in _TWO_WORD_KEYS.finditer(code)}
        starts = [s for s in tight if not any(a < s < b for a, b in two_word.items())] + list(two_word)
        return _split_at(code, starts)
    return _split_at(code, equals)


_PROMPT = re.compile(r"(?:^|(?<=\s))\$ (?=\S)")
_OUTPUT_WORD = re.compile(r"\S+:|[A-Z][a-z]+")


def reflow_shell(code: str) -> str:
    """``$ command`` on its own line, then its output one line per record
    (``path: …``, ``key=value``, or a sentence)."""
    prompts = [m.start() for m in _PROMPT.finditer(code)] or [0]
    starts: list[int] = []
    for prompt, following in zip(prompts, prompts[1:] + [len(code)]):
        starts.append(prompt)
        words = list(re.finditer(r"\S+", code[prompt:following]))
        output = next((i for i, w in enumerate(words[2:], start=2) if _OUTPUT_WORD.fullmatch(w.group(0))), None)
        if output is None:
            continue
        for i in range(output, len(words)):
            word = words[i].group(0)
            after_sentence = i > output and words[i - 1].group(0).endswith((".", "!", "?"))
            record = i == output or re.fullmatch(r"[a-z][\w-]*=\S*|/\S*:", word) or after_sentence
            if record:
                starts.append(prompt + words[i].start())
    return _split_at(code, starts)


# --------------------------------------------------------------------------
# Verbatim blocks and dispatch
# --------------------------------------------------------------------------


def reindent_lines(code: str) -> str:
    """Indent brace code that kept its lines but lost its indentation."""
    lines = code.split("\n")
    if any(line[:1] in (" ", "\t") for line in lines if line.strip()):
        return code  # already structured: never touch author's layout
    depth = 0
    result = []
    for line in lines:
        stripped = line.strip()
        closing = len(re.match(r"[)\]}]*", stripped).group(0))
        level = max(0, depth - closing)
        result.append(INDENT * level + stripped if stripped else "")
        opened = sum(stripped.count(c) for c in "{") - sum(stripped.count(c) for c in "}")
        depth = max(0, depth + opened)
    return "\n".join(result)


def reflow(code: str, flavor: str, verbatim: bool = False) -> str:
    """The code of a segment as lines; ``flavor`` comes from ``segment.py``.

    ``verbatim`` code arrived with its own line breaks (``<pre>``): it keeps
    them, and is only re-indented when it is brace code without indentation.
    """
    if verbatim:
        return reindent_lines(code) if flavor in ("swift", "objc") else code
    if flavor == "swift":
        return reflow_braces(code)
    if flavor == "objc":
        return reflow_braces(code, objc=True)
    if flavor == "plist":
        return reflow_xml(code)
    if flavor == "dict":
        return reflow_dict(code)
    if flavor == "log":
        return reflow_log(code)
    if flavor == "keyvalue":
        return reflow_keyvalue(code)
    if flavor == "shell":
        return reflow_shell(code)
    return code.strip()
