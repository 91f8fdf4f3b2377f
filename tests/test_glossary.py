"""The glossary, and the links to it from the prose of every page.

Read from the page sources with MyST's own Markdown parser; no build needed.

The rule, kept simple on purpose:

- The glossary is the ``{glossary}`` directive of docs/glossary.md. An entry is one
  or more term lines followed by an indented definition; the terms of one entry
  name one idea and count as one.
- A term is *used* where it appears in prose: case-insensitively, as whole words,
  with ``s`` or ``es`` added to its last word (``y`` becoming ``ies``), a space and a
  hyphen alike between its words. "Tensors" is a use of *tensor*, "learning-rate
  schedules" of *learning-rate schedule*. ``EXTRA_FORMS`` adds the few other forms
  worth catching ("traced", "tape"). A word hyphenated to another ("per-replica",
  "rank-0") is part of a compound, not a use.
- Prose is the text of paragraphs, lists, tables and emphasis. Front matter, code
  cells and other directives, headings, inline code, math and link text are not.
- The longest match wins: "gradient tape" is a use of *gradient tape* only.
- ``NOT_USES`` lists the phrases in which a word means something else
  ("environment variable", "step by step"); they are not uses. A page that only
  ever uses a word in another sense is exempted from that term in
  ``OTHER_SENSE_PAGES``.
- A ``{term}`` role is a link to its entry; its text is not searched for terms.

On every page but the glossary, the first use of an entry must be a ``{term}`` role
naming one of its terms: a use before the first link, or with no link on the page,
fails with the page, the term and the line.
"""

from __future__ import annotations

import re
import runpy
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

ROOT = Path(__file__).parents[1]
DOCS = ROOT / "docs"
GLOSSARY = DOCS / "glossary.md"
PAGES = sorted({*DOCS.glob("*.md"), *DOCS.glob("*/*.md")} - {GLOSSARY})

# The terms the glossary must define (issue 8), by their first or only term line.
REQUIRED = (
    "tensor", "rank", "shape", "dtype", "broadcasting", "eager execution", "graph",
    "tf.function", "tracing", "AutoGraph", "variable", "gradient", "gradient tape",
    "device", "layer", "model", "weights", "epoch", "batch", "step", "loss", "metric",
    "optimizer", "learning rate", "learning-rate schedule", "callback", "dataset",
    "preprocessing layer", "overfitting", "checkpoint", "SavedModel",
    "distribution strategy", "replica", "backend",
    # added with the practitioner pages
    "XLA", "mixed precision", "transfer learning", "fine-tuning", "logits",
    "op determinism", "quantization", "serving signature", "LiteRT", "calibration",
    "class weight", "event file", "summary", "feature extraction", "freeze",
    "inference", "input signature", "oneDNN",
)  # fmt: skip

# Forms beyond the plurals, by glossary term.
EXTRA_FORMS = {
    "trace": ("traced",),
    "gradient tape": ("tape",),
    "distribution strategy": ("strategy",),
    "overfitting": ("overfit", "overfits"),
    "weights": ("weight",),
    "fine-tuning": ("fine-tune", "fine-tuned"),
    "logits": ("logit",),
    "op determinism": ("determinism",),
    "quantization": ("quantize", "quantized"),
    "calibration": ("calibrated",),
    "feature extraction": ("feature extractor",),
    "freeze": ("frozen", "freezing"),
}

# Phrases in which a glossary word is not a use of its term: the word in another
# sense, or inside a quoted message.
NOT_USES = (
    "environment variable",
    "both variables",  # environment variables
    "line with its variables",  # Python's local variables
    "sample weights",
    "loss weight",
    "without loss",
    "TensorFlow Datasets",  # the product
    "step by step",
    "five steps",  # of the Keras workflow
    "the next step",
    "one extra step",
    "three steps",  # of TextVectorization
    "decoding step",
    "batch of calls",  # timeit's
    "best batch",
    "the shapes explain",  # of curves
    "JAX traces",
    "triggered tf.function retracing",  # a log message
    "traced from its signature",  # an input signature
    "ends with a summary",  # of a page
    "its summary prints",  # model.summary()
)

# Words that a page only ever uses in another sense: not checked on that page.
OTHER_SENSE_PAGES = {
    "docs/tensors.md": ("step",),  # the step of a strided slice
    "docs/keras/what-is-keras.md": ("variable",),  # environment variables
    "docs/graphs-and-tf-function.md": ("signature",),  # input signatures
    "docs/keras/layers.md": ("signature",),  # of a Python function
}

# Inline tokens whose text is not prose; a term cannot run across them.
_OPAQUE = {"code_inline", "math_inline", "math_inline_double", "image", "html_inline"}
_ROLE = re.compile(r"(?s)(?P<text>.*?)\s*<(?P<target>[^<>]+)>\s*")


@dataclass(frozen=True)
class Event:
    """A use of a glossary entry, or a ``{term}`` role, in a page's prose."""

    line: int
    text: str
    entry: int | None  # index into the glossary's entries; None: an unknown term
    linked: bool


def _parser() -> MarkdownIt:
    conf = runpy.run_path(str(ROOT / "conf.py"))
    config = MdParserConfig(enable_extensions=set(conf["myst_enable_extensions"]))
    return create_md_parser(config, RendererHTML)


_MD = _parser()


def glossary(source: str | None = None) -> list[tuple[tuple[str, ...], str]]:
    """The entries of the ``{glossary}`` directive: their terms and definition."""
    if source is None:
        source = GLOSSARY.read_text(encoding="utf-8")
    fences = [t for t in _MD.parse(source) if t.type == "fence"]
    (directive,) = [t for t in fences if t.info.strip() == "{glossary}"]
    entries: list[tuple[list[str], list[str]]] = []  # terms, definition lines
    for line in directive.content.splitlines():
        if not line.strip() or line.startswith(":"):
            continue  # blank lines and the directive's options
        if line[0].isspace():
            entries[-1][1].append(line.strip())
        elif entries and not entries[-1][1]:
            entries[-1][0].append(line.strip())  # another term of the same entry
        else:
            entries.append(([line.strip()], []))
    return [(tuple(terms), " ".join(definition)) for terms, definition in entries]


def glossary_entries() -> list[tuple[str, ...]]:
    """The terms of each glossary entry."""
    return [terms for terms, _ in glossary()]


def _forms(term: str) -> list[str]:
    base = term.lower()
    plural = [base[:-1] + "ies"] if base.endswith("y") else [base + "s", base + "es"]
    return [base, *plural]


def _name(term: str) -> str:
    """A term as Sphinx looks it up: lower case, whitespace collapsed."""
    return " ".join(term.split()).lower()


def _key(text: str) -> str:
    return re.sub(r"[\s-]+", " ", text.lower())


def _matcher(
    entries: list[tuple[str, ...]],
) -> tuple[re.Pattern[str], dict[str, int | None]]:
    """One regex for every form and other sense, and the entry each form names."""
    entry_of: dict[str, int | None] = {}
    for index, terms in enumerate(entries):
        for term in terms:
            extra = EXTRA_FORMS.get(term.lower(), ())
            for form in [*_forms(term), *(f for e in extra for f in _forms(e))]:
                entry_of.setdefault(_key(form), index)
    for phrase in NOT_USES:
        entry_of[_key(phrase)] = None
    alternatives = sorted(entry_of, key=len, reverse=True)  # longest match wins
    words = "|".join(r"[\s-]+".join(map(re.escape, a.split())) for a in alternatives)
    pattern = re.compile(rf"(?<![\w.-])(?:{words})(?![\w-]|\.\w)", re.IGNORECASE)
    return pattern, entry_of


def _inline_tokens(tokens: list[Token]) -> Iterator[Token]:
    """The inline tokens of prose: not those of headings."""
    in_heading = False
    for token in tokens:
        if token.type == "heading_open":
            in_heading = True
        elif token.type == "heading_close":
            in_heading = False
        elif token.type == "inline" and not in_heading:
            yield token


def _code_span_breaks(raw: str, start: int, child: Token) -> tuple[int, int]:
    """Line breaks in a code span's source, and where the span ends in ``raw``.

    A code span's content has its line breaks turned into spaces; they are
    counted from the inline source instead, so that line numbers stay right.
    """
    body = r"[ \n]".join(map(re.escape, child.content.split(" ")))
    fence = re.escape(child.markup)
    span = re.compile(rf"{fence}[ \n]?{body}[ \n]?{fence}").search(raw, start)
    return (span.group().count("\n"), span.end()) if span else (0, start)


@dataclass(frozen=True)
class Prose:
    """The prose of one inline block: text with ``\\x00`` where it is not prose."""

    first: int  # the 1-based line the block starts on
    text: str
    roles: dict[int, str]  # offset in text -> content of a {term} role


def page_prose(source: str) -> Iterator[Prose]:
    """The prose of a page, block by block."""
    for token in _inline_tokens(_MD.parse(source)):
        assert token.map is not None
        text, roles, in_link, cursor = "", {}, False, 0
        for child in token.children or []:
            if child.type in ("softbreak", "hardbreak"):
                text += "\n"
            elif child.type == "link_open":
                in_link, text = True, text + "\x00"
            elif child.type == "link_close":
                in_link = False
            elif child.type == "code_inline":
                breaks, cursor = _code_span_breaks(token.content, cursor, child)
                text += "\x00" + "\n" * breaks
            elif child.type == "myst_role" and child.meta.get("name") == "term":
                roles[len(text)] = child.content
                text += "\x00" + "\n" * child.content.count("\n")
            elif child.type in _OPAQUE or child.type == "myst_role":
                text += "\x00" + "\n" * child.content.count("\n")
            elif child.type == "text":
                text += "\x00" * len(child.content) if in_link else child.content
        yield Prose(token.map[0] + 1, text, roles)


def page_events(source: str, entries: list[tuple[str, ...]]) -> list[Event]:
    """Every use of a glossary entry and every ``{term}`` role, in page order."""
    pattern, entry_of = _matcher(entries)
    term_entry = {_name(t): i for i, terms in enumerate(entries) for t in terms}
    events: list[Event] = []
    for block in page_prose(source):
        found = [(m.start(), m.group(), False) for m in pattern.finditer(block.text)]
        found += [(at, content, True) for at, content in block.roles.items()]
        for at, content, linked in sorted(found):
            line = block.first + block.text.count("\n", 0, at)
            if linked:
                role = _ROLE.fullmatch(content)
                target = role["target"] if role else content
                events.append(Event(line, content, term_entry.get(_name(target)), True))
            elif entry_of[_key(content)] is not None:
                events.append(Event(line, content, entry_of[_key(content)], False))
    return events


def first_use_problems(
    source: str,
    entries: list[tuple[str, ...]],
    *,
    page: str,
    unchecked: tuple[str, ...] = (),
) -> list[str]:
    """One message per entry whose first use on the page is not a ``{term}`` link.

    Entries with a term in ``unchecked`` are not checked.
    """
    seen = {i for i, terms in enumerate(entries) if set(terms) & set(unchecked)}
    problems = []
    for event in page_events(source, entries):
        if event.entry in seen:
            continue
        seen.add(event.entry)
        if not event.linked:
            problems.append(
                f"{page}:{event.line}: {event.text!r} is a use of the glossary term "
                f"{entries[event.entry][0]!r} before any {{term}} link to it"
            )
    return problems


def _relative(page: Path) -> str:
    return page.relative_to(ROOT).as_posix()


def test_the_glossary_defines_the_required_terms() -> None:
    first_terms = {terms[0] for terms in glossary_entries()}
    assert not set(REQUIRED) - first_terms, set(REQUIRED) - first_terms


def test_the_glossary_is_sorted_and_every_definition_links_a_page() -> None:
    source = GLOSSARY.read_text(encoding="utf-8")
    assert re.search(r"```\{glossary\}\n:sorted:\n", source)
    for terms, definition in glossary():
        assert re.search(r"\]\([\w/-]+\.md(#[\w-]+)?\)", definition), terms


def test_extra_forms_and_exceptions_are_in_use() -> None:
    entries = glossary_entries()
    terms = {t.lower() for terms in entries for t in terms}
    assert set(EXTRA_FORMS) <= terms, set(EXTRA_FORMS) - terms
    prose = _key(
        " ".join(
            block.text
            for page in PAGES
            for block in page_prose(page.read_text(encoding="utf-8"))
        )
    )
    unused = [p for p in NOT_USES if _key(p) not in prose]
    assert not unused, f"NOT_USES not found in any page's prose: {unused}"
    for page, words in OTHER_SENSE_PAGES.items():
        events = page_events((ROOT / page).read_text(encoding="utf-8"), entries)
        used = {t for e in events if e.entry is not None for t in entries[e.entry]}
        assert set(words) <= used, (page, set(words) - used)


def test_every_term_role_names_a_glossary_term() -> None:
    entries = glossary_entries()
    unknown = [
        f"{_relative(page)}:{event.line}: {{term}}`{event.text}`"
        for page in [*PAGES, GLOSSARY]
        for event in page_events(page.read_text(encoding="utf-8"), entries)
        if event.linked and event.entry is None
    ]
    assert not unknown, "roles naming no glossary term:\n" + "\n".join(unknown)


def test_every_page_links_the_first_use_of_each_term() -> None:
    entries = glossary_entries()
    problems = [
        problem
        for page in PAGES
        for problem in first_use_problems(
            page.read_text(encoding="utf-8"),
            entries,
            page=_relative(page),
            unchecked=OTHER_SENSE_PAGES.get(_relative(page), ()),
        )
    ]
    assert not problems, "\n".join(problems)


def test_the_check_fails_on_an_unlinked_first_use() -> None:
    entries = [("tensor",), ("gradient",), ("gradient tape",)]
    source = (
        "# Tensors and gradients\n\n"
        "Two `tensor` words in code, then {term}`tensors <tensor>` in prose.\n"
        "A gradient-tape\nrecords; [a gradient](x.md) is link text.\n\n"
        "```{code-cell} ipython3\ngradient = 1\n```\n\n"
        "Its gradient, then {term}`gradient`.\n"
    )
    assert first_use_problems(source, entries, page="p.md") == [
        (
            "p.md:4: 'gradient-tape' is a use of the glossary term 'gradient tape' "
            "before any {term} link to it"
        ),
        (
            "p.md:11: 'gradient' is a use of the glossary term 'gradient' "
            "before any {term} link to it"
        ),
    ]


def test_a_role_naming_no_term_is_found() -> None:
    events = page_events(
        "See {term}`tensors <tensr>` and {term}`Tensor`.\n", [("tensor",)]
    )
    assert [(e.text, e.entry, e.linked) for e in events] == [
        ("tensors <tensr>", None, True),
        ("Tensor", 0, True),
    ]
