"""Project-level promises: cheap import, README and CI agree."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]


def _quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block is not None, "README's Quick start has no sh code block"
    return [line for line in block[1].splitlines() if line.strip()]


def test_import_does_not_import_tensorflow() -> None:
    code = (
        "import sys, tfdocs_helpers; "
        "heavy = {'tensorflow', 'keras', 'matplotlib', 'sklearn'} & set(sys.modules); "
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_readme_quick_start_has_two_commands_docs_first() -> None:
    commands = _quick_start_commands()
    assert len(commands) == 2
    assert commands[0].endswith("nox -s docs")
    assert commands[1].endswith("nox -s tests")


def test_ci_runs_the_readme_commands_tests_then_docs() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    docs, tests = _quick_start_commands()
    assert tests in ci
    assert docs in ci
    assert ci.index(tests) < ci.index(docs)


def test_every_import_of_the_machinery_is_declared() -> None:
    """Each third-party module src/tfdocs_sphinx imports comes from a dependency."""
    import importlib.metadata

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    from tfdocs_sphinx.publish.requirements import imported_modules

    package = ROOT / "src" / "tfdocs_sphinx"
    modules = set().union(
        *(imported_modules(p.read_text("utf-8")) for p in package.rglob("*.py"))
    )
    tops = {m.partition(".")[0] for m in modules} - set(sys.stdlib_module_names)
    tops -= {"tfdocs_sphinx"}
    providers = importlib.metadata.packages_distributions()
    declared = {
        canonicalize_name(Requirement(line).name)
        for line in importlib.metadata.requires("tfdocs_sphinx") or []
    }
    undeclared = {
        top: providers.get(top)
        for top in tops
        if not {canonicalize_name(d) for d in providers.get(top, [])} & declared
    }
    assert undeclared == {}


def test_the_search_index_stems_in_c() -> None:
    """Sphinx's English search gets PyStemmer's stemmer, same words as the Python one."""
    import Stemmer
    from snowballstemmer.english_stemmer import EnglishStemmer
    from sphinx.search.en import SearchEnglish

    english = SearchEnglish({})
    assert isinstance(english.stemmer, Stemmer.Stemmer)
    words = ["running", "gradients", "optimizers", "callbacks", "tensors", "graphs"]
    assert [english.stem(w) for w in words] == [
        EnglishStemmer().stemWord(w) for w in words
    ]
