"""Evaluate GitHub Actions expressions (``${{ ... }}``, ``if:``) as the runner does.

``tools/ci_times.py`` replays the workflows' jobs on this machine; the jobs'
``if:`` conditions, ``env`` values, ``with`` inputs and outputs are GitHub
expressions. This evaluates the language of GitHub's documentation
("Evaluate expressions in workflows and actions"): literals (``'text'`` with
``''`` for a quote, numbers, ``true``, ``false``, ``null``), contexts
(``github.event_name``, ``needs.plan.outputs.shards``, ``a['b']``), the
operators ``!``, ``<``, ``<=``, ``>``, ``>=``, ``==``, ``!=``, ``&&``, ``||``
and parentheses, and the functions a workflow calls (:data:`Functions`).
Written here because no maintained Python package evaluates them (nektos/act,
in Go, does it inside its runner).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["Functions", "evaluate", "interpolate", "truthy"]

#: Functions by lower-case name (GitHub's names are case-insensitive).
Functions = Mapping[str, Callable[..., Any]]

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<string>'(?:[^']|'')*')
    | (?P<number>-?(?:0x[0-9a-fA-F]+|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?))
    | (?P<op>&&|\|\||==|!=|<=|>=|[<>!()\[\].,])
    | (?P<name>[A-Za-z_][\w-]*)
    )""",
    re.VERBOSE,
)
_INTERPOLATION = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        found = _TOKEN.match(text, position)
        if found is None or found.end() == position:
            msg = f"expression: cannot read {text[position:]!r} in {text!r}"
            raise ValueError(msg)
        kind = found.lastgroup
        assert kind is not None  # one group always matches
        tokens.append((kind, found[kind]))
        position = found.end()
    return tokens


def truthy(value: Any) -> bool:
    """Return the value as a condition, GitHub's way (``''``, ``0``, ``null`` are false).

    >>> [truthy(v) for v in ("", "0", 0, None, "false", [], False)]
    [False, True, False, False, True, True, False]
    """
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str):
        return value != ""
    return True


def _number(value: Any) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return 0.0
        try:
            return (
                float(int(text, 16)) if text.lower().startswith("0x") else float(text)
            )
        except ValueError:
            return float("nan")
    return float("nan")


def _equal(left: Any, right: Any) -> bool:
    # Strings compare ignoring case; values of different types compare as numbers.
    if isinstance(left, str) and isinstance(right, str):
        return left.lower() == right.lower()
    if type(left) is type(right) and not isinstance(left, str):
        return bool(left == right)
    return _number(left) == _number(right)


def _compare(op: str, left: Any, right: Any) -> bool:
    if op == "==":
        return _equal(left, right)
    if op == "!=":
        return not _equal(left, right)
    if isinstance(left, str) and isinstance(right, str):
        a: Any = left.lower()
        b: Any = right.lower()
    else:
        a, b = _number(left), _number(right)
    return bool({"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op])


class _Parser:
    """Recursive descent over the tokens, lowest precedence first."""

    def __init__(
        self, text: str, context: Mapping[str, Any], functions: Functions
    ) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.at = 0
        self.context = context
        self.functions = functions

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def _take(self, value: str | None = None) -> tuple[str, str]:
        token = self._peek()
        if token is None or (value is not None and token[1] != value):
            wanted = f"{value!r}" if value else "more"
            msg = f"expression: expected {wanted} in {self.text!r}"
            raise ValueError(msg)
        self.at += 1
        return token

    def _is(self, *values: str) -> bool:
        token = self._peek()
        return token is not None and token[0] == "op" and token[1] in values

    def parse(self) -> Any:
        value = self._or()
        if self._peek() is not None:
            msg = f"expression: unexpected {self._peek()[1]!r} in {self.text!r}"  # type: ignore[index]
            raise ValueError(msg)
        return value

    def _chain(
        self, op: str, operand: Callable[[], Any], pick: Callable[[Any, Any], Any]
    ) -> Any:
        value = operand()
        while self._is(op):
            self._take()
            value = pick(value, operand())
        return value

    def _or(self) -> Any:
        # GitHub's || and && return an operand, not a boolean.
        return self._chain("||", self._and, lambda a, b: a if truthy(a) else b)

    def _and(self) -> Any:
        return self._chain("&&", self._comparison, lambda a, b: b if truthy(a) else a)

    def _comparison(self) -> Any:
        value = self._unary()
        while self._is("==", "!=", "<", "<=", ">", ">="):
            op = self._take()[1]
            value = _compare(op, value, self._unary())
        return value

    def _unary(self) -> Any:
        if self._is("!"):
            self._take()
            return not truthy(self._unary())
        return self._postfix(self._primary())

    def _primary(self) -> Any:
        kind, text = self._take()
        if kind == "string":
            return text[1:-1].replace("''", "'")
        if kind == "number":
            number = float(int(text, 16)) if "x" in text.lower() else float(text)
            return int(number) if number.is_integer() else number
        if kind == "op" and text == "(":
            value = self._or()
            self._take(")")
            return value
        if kind != "name":
            msg = f"expression: unexpected {text!r} in {self.text!r}"
            raise ValueError(msg)
        literal = {"true": True, "false": False, "null": None}
        if text in literal:
            return literal[text]
        if self._is("("):
            return self._call(text)
        if text not in self.context:
            msg = f"expression: unknown context {text!r} in {self.text!r}"
            raise ValueError(msg)
        return self.context[text]

    def _call(self, name: str) -> Any:
        self._take("(")
        arguments: list[Any] = []
        while not self._is(")"):
            arguments.append(self._or())
            if not self._is(")"):
                self._take(",")
        self._take(")")
        function = self.functions.get(name.lower())
        if function is None:
            msg = f"expression: unknown function {name}() in {self.text!r}"
            raise ValueError(msg)
        return function(*arguments)

    def _postfix(self, value: Any) -> Any:
        while self._is(".", "["):
            if self._take()[1] == ".":
                key: Any = self._take()[1]
            else:
                key = self._or()
                self._take("]")
            value = value.get(key) if isinstance(value, Mapping) else None
        return value


def _default_functions() -> dict[str, Callable[..., Any]]:
    return {
        "fromjson": json.loads,
        "tojson": lambda value: json.dumps(value, indent=2),
        "contains": lambda where, what: (
            str(what).lower() in str(where).lower()
            if isinstance(where, str)
            else any(_equal(item, what) for item in where or ())
        ),
        "startswith": lambda text, prefix: (
            str(text).lower().startswith(str(prefix).lower())
        ),
        "endswith": lambda text, suffix: (
            str(text).lower().endswith(str(suffix).lower())
        ),
        "format": lambda text, *values: re.sub(
            r"\{(\d+)\}", lambda m: str(values[int(m[1])]), str(text)
        ),
    }


def evaluate(
    text: str, context: Mapping[str, Any], *, functions: Functions | None = None
) -> Any:
    """Return the value of the expression ``text`` (with or without ``${{ }}``).

    Parameters
    ----------
    text
        The expression, e.g. an ``if:`` condition.
    context
        The contexts by name (``github``, ``needs``, ``steps``, ...), as nested
        mappings. A missing property is ``null``, as on GitHub; a missing
        context is a ``ValueError``.
    functions
        More functions by lower-case name (``hashfiles``, ``success``, ...),
        besides ``fromJSON``, ``toJSON``, ``contains``, ``startsWith``,
        ``endsWith`` and ``format``.

    Examples
    --------
    >>> needs = {"plan": {"outputs": {"shards": "2"}, "result": "success"}}
    >>> evaluate("fromJSON(needs.plan.outputs.shards) > 1", {"needs": needs})
    True
    >>> github = {"event_name": "pull_request", "ref": "refs/heads/main"}
    >>> evaluate("github.event_name != 'pull_request' && github.ref == 'refs/heads/main'",
    ...          {"github": github})
    False
    >>> evaluate("${{ needs.plan.result == 'SUCCESS' && !false }}", {"needs": needs})
    True
    >>> evaluate("steps.none.outputs.x || 'default'", {"steps": {}})
    'default'
    >>> evaluate("secrets.TOKEN", {})
    Traceback (most recent call last):
    ...
    ValueError: expression: unknown context 'secrets' in 'secrets.TOKEN'
    """
    if not isinstance(text, str):
        msg = f"text must be a str, got {type(text).__name__}"
        raise TypeError(msg)
    inner = text.strip()
    whole = _INTERPOLATION.fullmatch(inner)
    if whole:
        inner = whole[1]
    table = {**_default_functions(), **(functions or {})}
    return _Parser(inner.strip(), context, table).parse()


def interpolate(
    text: str, context: Mapping[str, Any], *, functions: Functions | None = None
) -> str:
    """Replace each ``${{ expression }}`` in ``text`` by its value, as a string.

    >>> interpolate("${{ a.b }}/${{ a['c'] }}!", {"a": {"b": "x", "c": 1}})
    'x/1!'
    >>> interpolate("${{ a.missing }}", {"a": {}})
    ''
    """

    def value(found: re.Match[str]) -> str:
        result = evaluate(found[1], context, functions=functions)
        if result is None:
            return ""
        if isinstance(result, bool):
            return str(result).lower()
        if isinstance(result, Mapping | list):
            return json.dumps(result)
        return str(result)

    return _INTERPOLATION.sub(value, text)
