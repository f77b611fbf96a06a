"""From query text to a node tree, with every mistake reported as a QueryError at its column.

luqum parses the Lucene syntax (AND/OR/NOT, -/+, phrases, groups, fields, "…"~N) because it is a
maintained, tested Lucene grammar with positions on every node, so we only write the semantics.
Two things happen around it:

- A pre-scan finds what luqum reports badly (an unclosed quote or parenthesis "at the end", NEAR
  without a distance) and says where.
- `a NEAR/10 b` is Lucene-foreign. luqum reads `NEAR/10` as a plain word, and it would bind as
  loosely as implicit AND. So the pre-scan wraps each NEAR chain in parentheses, `(a NEAR/10 b)`,
  keeping a map back to the user's columns. Then the conversion turns a group of
  word-NEAR/n-word into a `Near` node.

Precedence is luqum's: explicit AND binds tighter than OR, and OR binds tighter than implicit AND.
So `a OR b AND c` is `a OR (b AND c)`, and `iran OR russia drones` is `(iran OR russia) AND drones`
(as in Google Alerts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from luqum import tree
from luqum.exceptions import IllegalCharacterError, ParseSyntaxError
from luqum.thread import parse as luqum_parse  # PLY's lexer is not thread-safe; this clones it per thread

from crawler.alerts.aliases import AliasTable
from crawler.alerts.analysis import Seq, words_of
from crawler.alerts.nodes import FIELDS, And, FieldName, Near, Node, Not, Or, Term

_NEAR = re.compile(r"NEAR/(\d+)")
_OPERATORS = frozenset({"AND", "OR", "NOT", "&&", "||", "-", "+", "!"})
_MAX_LENGTH = 4000
_NEAR_SIDES = "write it between two terms, like iran NEAR/10 drones"


class QueryError(ValueError):
    """A query that cannot be used, with where (0-based `position`) and how to fix it (`hint`)."""

    def __init__(self, position: int, message: str, hint: str) -> None:
        self.position, self.message, self.hint = position, message, hint
        super().__init__(f"column {position + 1}: {message}: {hint}")


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "word", "phrase", "(" or ")"
    start: int
    end: int
    text: str


def _lex(text: str) -> list[_Token]:
    """Split the query the way luqum will, enough to check quotes, parentheses and NEAR."""
    tokens: list[_Token] = []
    stack: list[int] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            if j >= n:
                raise QueryError(i, "unbalanced quote", f"close the quote opened at column {i + 1}")
            j += 1
            if j < n and text[j] == "~":
                m = re.compile(r"\d+(?=[\s)]|$)").match(text, j + 1)
                if not m:
                    hint = 'put a whole number after ~, like "iran drones"~10'
                    raise QueryError(j, "proximity without a distance", hint)
                j = m.end()
            tokens.append(_Token("phrase", i, j, text[i:j]))
            i = j
        elif c in "()":
            if c == "(":
                stack.append(i)
            elif not stack:
                raise QueryError(i, "unbalanced parenthesis", "remove this ')' or open it with '(' earlier")
            else:
                stack.pop()
            tokens.append(_Token(c, i, i + 1, c))
            i += 1
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in '()"':
                j += 2 if text[j] == "\\" else 1
            j = min(j, n)
            tokens.append(_Token("word", i, j, text[i:j]))
            i = j
    if stack:
        raise QueryError(stack[-1], "unbalanced parenthesis", f"close the parenthesis opened at column {stack[-1] + 1}")
    return tokens


def _near_operand(tokens: list[_Token], k: int, near: _Token) -> _Token:
    if not 0 <= k < len(tokens):
        raise QueryError(near.start, "NEAR without a term on each side", _NEAR_SIDES)
    t = tokens[k]
    if t.kind == "word" and t.text not in _OPERATORS and not _NEAR.fullmatch(t.text):
        if t.text[0] in "-+":
            raise QueryError(t.start, "NEAR cannot join a negated term", "keep -term outside, like a NEAR/5 b -c")
        if re.search(r"(?<!\\):", t.text):
            raise QueryError(t.start, "field inside NEAR", "put the field before a group, like title:(a NEAR/5 b)")
        return t
    if t.kind == "phrase" and "~" not in t.text[t.text.rindex('"'):]:
        prev = tokens[k - 1] if k > 0 else None
        if prev is not None and prev.kind == "word" and prev.end == t.start and prev.text.endswith(":"):
            raise QueryError(prev.start, "field inside NEAR", "put the field before a group, like title:(a NEAR/5 b)")
        return t
    if t.kind in "()":
        raise QueryError(near.start, "NEAR next to a group", "NEAR joins words or quoted phrases, not (groups)")
    raise QueryError(near.start, "NEAR without a term on each side", _NEAR_SIDES)


def _is_near(t: _Token) -> bool:
    return t.kind == "word" and (t.text == "NEAR" or t.text.startswith("NEAR/"))


def _wrap_near(text: str, tokens: list[_Token]) -> tuple[str, list[int]]:
    """Parenthesise each NEAR chain; returns the new text and, per new offset, the user's offset."""
    inserts: dict[int, str] = {}
    k = 0
    while k < len(tokens):
        t = tokens[k]
        if _is_near(t):
            if not _NEAR.fullmatch(t.text):
                raise QueryError(t.start, "NEAR without a distance", "NEAR needs a distance, like NEAR/10")
            first = _near_operand(tokens, k - 1, t)
            distance, last = t.text, _near_operand(tokens, k + 1, t)
            k += 2
            while k + 1 < len(tokens) and _is_near(tokens[k]):
                if not _NEAR.fullmatch(tokens[k].text):
                    raise QueryError(tokens[k].start, "NEAR without a distance", "NEAR needs a distance, like NEAR/10")
                if tokens[k].text != distance:
                    raise QueryError(tokens[k].start, "NEAR chain with different distances",
                                     f"use one distance in a chain, like a {distance} b {distance} c")
                last = _near_operand(tokens, k + 1, tokens[k])
                k += 2
            inserts[first.start] = inserts.get(first.start, "") + "("
            inserts[last.end] = ")" + inserts.get(last.end, "")
        k += 1
    out: list[str] = []
    origin: list[int] = []
    for i in range(len(text) + 1):
        extra = inserts.get(i, "")
        out.append(extra)
        origin.extend([i] * len(extra))
        if i < len(text):
            out.append(text[i])
            origin.append(i)
    origin.append(len(text))
    return "".join(out), origin


def _syntax_error(exc: Exception, text: str, tokens: list[_Token], origin: list[int]) -> QueryError:
    """Turn luqum's message into a column and a hint."""
    m = re.search(r"position (\d+)", str(exc))
    if isinstance(exc, IllegalCharacterError) and m:
        pos = origin[min(int(m.group(1)), len(origin) - 1)]
        if text[pos] == "\\":
            return QueryError(pos, "backslash at the end", "a backslash escapes the next character: remove it")
        return QueryError(pos, "illegal character", "remove it or put the term in quotes")
    pos = origin[min(int(m.group(1)), len(origin) - 1)] if m else len(text)
    at = next((t for t in tokens if t.start <= pos < t.end), None)
    if at is None:  # luqum ran out of input: blame the last token
        at = tokens[-1] if tokens else None
        if at is not None and at.text in _OPERATORS | {"TO"}:
            return QueryError(at.start, f"{at.text} at the end", f"add a term after {at.text} or remove it")
        if at is not None and at.kind == "word" and at.text.endswith(":"):
            return QueryError(at.start, "field without a term", f"add a term after it, like {at.text}iran")
        return QueryError(max(pos - 1, 0), "unfinished query", "add a term at the end")
    if at.text in {"AND", "OR"}:
        hint = f"write it between two terms, like iran {at.text} drones"
        return QueryError(at.start, f"{at.text} without a term on each side", hint)
    if at.kind == ")":
        return QueryError(at.start, "empty parentheses", "put a term inside them or remove them")
    if at.text.startswith(":") or at.text.startswith("~") or at.text.startswith("^"):
        return QueryError(at.start, f"'{at.text[0]}' without a term before it", "remove it or attach it to a term")
    return QueryError(at.start, "syntax error", "check the operators, quotes and parentheses here")


def parse_nodes(text: str, aliases: AliasTable) -> Node:
    if not text.strip():
        raise QueryError(0, "empty query", "write at least one term, like iran drones")
    if len(text) > _MAX_LENGTH:
        raise QueryError(_MAX_LENGTH, "query too long", f"keep it under {_MAX_LENGTH} characters, or split the rule")
    tokens = _lex(text)
    rewritten, origin = _wrap_near(text, tokens)
    try:
        parsed = luqum_parse(rewritten)
    except (ParseSyntaxError, IllegalCharacterError) as exc:
        raise _syntax_error(exc, text, tokens, origin) from None
    except RecursionError:
        raise QueryError(0, "query nested too deeply", "use fewer levels of parentheses") from None
    except Exception as exc:  # noqa: BLE001 - any other parser failure is still the query's fault
        raise QueryError(0, "query not understood", f"check the syntax ({type(exc).__name__})") from None
    try:
        return _Converter(rewritten, origin, aliases).convert(parsed, None)
    except RecursionError:
        raise QueryError(0, "query nested too deeply", "use fewer levels of parentheses") from None


class _Converter:
    def __init__(self, text: str, origin: list[int], aliases: AliasTable) -> None:
        self.text, self.origin, self.aliases = text, origin, aliases

    def error(self, item: tree.Item, message: str, hint: str, offset: int = 0) -> QueryError:
        return QueryError(self.origin[min((item.pos or 0) + offset, len(self.origin) - 1)], message, hint)

    def convert(self, item: tree.Item, field: FieldName | None) -> Node:
        match item:
            case tree.Word() | tree.Phrase():
                return self.term(item, field)
            case tree.Proximity():
                return self.proximity(item, field)
            case tree.SearchField():
                name = item.name.lower()
                if name not in FIELDS:
                    raise self.error(item, "unsupported field", f"unknown field '{item.name}': use title: or text:")
                if field is not None:
                    raise self.error(item, "field inside a field", f"drop '{item.name}:' or the field around it")
                return self.convert(item.expr, name)
            case tree.Group() | tree.FieldGroup():
                return self.convert(item.expr, field)
            case tree.Not() | tree.Prohibit():
                return Not(self.convert(item.a, field))
            case tree.Plus():
                return self.convert(item.a, field)
            case tree.AndOperation():
                return _flat(And, [self.convert(c, field) for c in item.children])
            case tree.OrOperation():
                return _flat(Or, [self.convert(c, field) for c in item.children])
            case tree.UnknownOperation():
                children = list(item.children)
                if any(isinstance(c, tree.Word) and _NEAR.fullmatch(c.value) for c in children):
                    return self.near(children, field)
                return _flat(And, [self.convert(c, field) for c in children])
            case tree.Fuzzy():
                hint = 'proximity needs a quoted phrase, like "iran drones"~10'
                raise self.error(item, "~ after a word", hint, len(str(item.term).rstrip()))
            case tree.Boost():
                at = len(str(item.expr).rstrip())
                raise self.error(item, "boost (^) is not supported", "remove the ^ and its number", at)
            case tree.Range() | tree.From() | tree.To():
                raise self.error(item, "ranges are not supported", "search for the words themselves")
            case tree.Regex():
                raise self.error(item, "regular expressions are not supported", "use a trailing *, like missile*")
        raise self.error(item, "unsupported syntax", "use words, quoted phrases, AND, OR, NOT, NEAR/n and title:")

    def seq(self, item: tree.Item, word: str) -> Seq:
        """One written word or phrase part: its tokens, and whether it ends in a wildcard."""
        raw = re.sub(r"\\(.)", r"\1", word)
        prefix = raw.endswith("*")
        body = raw.rstrip("*") if prefix else raw
        if "*" in body or "?" in body:
            raise self.error(item, "wildcard inside a word", "only a trailing * is supported, like missile*")
        tokens = words_of(body)
        if not tokens:
            if word in {"&&", "||"} or word.startswith("!"):
                fix = {"&&": "use AND", "||": "use OR"}.get(word, "use NOT or -term")
                raise self.error(item, f"'{word}' is not an operator here", fix)
            if prefix:
                raise self.error(item, "wildcard without a stem", "put letters before the *, like missile*")
            raise self.error(item, "term without letters or digits", f"remove '{word}' or quote a real word")
        if word.startswith("!"):
            raise self.error(item, "'!' is not an operator here", "use NOT or -term")
        return Seq(tokens, prefix)

    def term(self, item: tree.Word | tree.Phrase, field: FieldName | None) -> Term:
        if isinstance(item, tree.Word):
            if item.value in {"AND", "OR", "NOT", "TO"}:
                hint = f"write it between two terms, like a {item.value} b"
                raise self.error(item, f"{item.value} without a term on each side", hint)
            seq = self.seq(item, item.value)
            return Term(item.value, self.aliases.variants(seq), field)
        parts = [self.seq(item, w) for w in self.phrase_words(item)]
        if any(p.prefix for p in parts[:-1]):
            raise self.error(item, "wildcard inside a phrase", "only the phrase's last word can end with *")
        seq = Seq(tuple(t for p in parts for t in p.tokens), parts[-1].prefix)
        return Term(item.value, self.aliases.variants(seq), field)

    def phrase_words(self, item: tree.Phrase) -> list[str]:
        words = [w for w in re.split(r"\s+", item.value[1:-1]) if words_of(re.sub(r"\\(.)", r"\1", w).rstrip("*"))]
        if not words:
            raise self.error(item, "empty phrase", "put words between the quotes")
        return words

    def proximity(self, item: tree.Proximity, field: FieldName | None) -> Node:
        words = self.phrase_words(item.term)
        parts = [self.seq(item.term, w) for w in words]
        operands: list[Term] = []
        i, longest = 0, self.aliases.longest_member()
        while i < len(parts):  # an alias member written inside the phrase stays one operand
            for j in range(min(len(parts), i + longest), i + 1, -1):
                joined = Seq(tuple(t for p in parts[i:j] for t in p.tokens), parts[j - 1].prefix)
                if not any(p.prefix for p in parts[i : j - 1]) and joined in self.aliases:
                    operands.append(Term(" ".join(words[i:j]), self.aliases.variants(joined)))
                    i = j
                    break
            else:
                operands.append(Term(words[i], self.aliases.variants(parts[i])))
                i += 1
        if len(operands) == 1:
            return Term(operands[0].text, operands[0].variants, field)
        return Near(tuple(operands), int(item.degree), field)

    def near(self, children: list[tree.Item], field: FieldName | None) -> Node:
        operands: list[Term] = []
        for c in children[::2]:
            node = self.convert(c, None)
            if isinstance(node, Near):
                raise self.error(c, "proximity inside NEAR", "join plain words or phrases with NEAR")
            assert isinstance(node, Term)
            operands.append(node)
        return Near(tuple(operands), int(_NEAR.fullmatch(children[1].value).group(1)), field)


def _flat(kind: type[And] | type[Or], children: list[Node]) -> Node:
    flat: list[Node] = []
    for c in children:
        flat.extend(c.children if isinstance(c, kind) else (c,))
    return flat[0] if len(flat) == 1 else kind(tuple(flat))
