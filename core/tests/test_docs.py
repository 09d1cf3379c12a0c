"""docs/domain.md stays true to the code, and the repository's docs point only inside it.

A newcomer reads a rule on that page and opens the function it names: every name must exist, every
rule function and every policy parameter must be on the page, the contents must lead to real
sections, and the time-limit table must say what the shipped catalogue says.
"""

import importlib
import inspect
import re
from pathlib import Path

import pytest

from cases.catalogue_data import ITEMS
from policy import rules
from policy.programmes import ParameterKey

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ROOT / "docs" / "domain.md"
APPS = {
    "accounts",
    "areas",
    "assistance",
    "audit",
    "cases",
    "children",
    "cockpit",
    "core",
    "funerals",
    "jobs",
    "ledger",
    "medical",
    "marriage",
    "minzheng",
    "monitoring",
    "partners",
    "payments",
    "policy",
    "portal",
    "registry",
    "society",
    "relief",
    "rescue",
    "supervision",
    "verification",
}
DOTTED = re.compile(r"`([a-z_]+(?:\.[A-Za-z_][A-Za-z0-9_]*)+)`")


def page() -> str:
    return DOMAIN.read_text(encoding="utf-8")


def named_in_page() -> set[str]:
    """Every `app.module.name` in backticks (policy parameter keys such as `payments.arrears_months`
    look alike and are checked by their own test)."""
    keys = set(ParameterKey.values)
    return {name for name in DOTTED.findall(page()) if name.split(".")[0] in APPS and name not in keys}


def resolve(dotted: str):
    """Import the longest module prefix of `dotted`, then walk the attributes after it."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        module_name = ".".join(parts[:cut])
        try:
            target = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name and not module_name.startswith(error.name):  # it imports something missing
                raise
            continue
        for attribute in parts[cut:]:
            target = getattr(target, attribute)
        return target
    raise ModuleNotFoundError(dotted)


def test_every_name_on_the_page_exists():
    names = named_in_page()
    assert len(names) > 150, "the page names far fewer functions than it should: was the pattern broken?"
    missing = []
    for name in sorted(names):
        try:
            resolve(name)
        except (ImportError, AttributeError) as error:
            missing.append(f"{name}: {error}")
    assert not missing, "docs/domain.md names what does not exist:\n" + "\n".join(missing)


def test_every_rule_function_is_on_the_page():
    functions = [
        name
        for name, value in vars(rules).items()
        if inspect.isfunction(value) and value.__module__ == rules.__name__ and not name.startswith("_")
    ]
    assert "dibao_benefit" in functions
    absent = [name for name in functions if f"`policy.rules.{name}`" not in page()]
    assert not absent, f"rule functions not described in docs/domain.md: {absent}"


def test_every_policy_parameter_is_in_the_reference():
    text = page()
    absent = [key for key in ParameterKey.values if f"| `{key}` |" not in text]
    assert not absent, f"policy parameters missing from docs/domain.md §11: {absent}"


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped (CJK kept), spaces → hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_contents_lead_to_sections():
    text = page()
    anchors = {slug(line.lstrip("#")) for line in text.splitlines() if line.startswith("#")}
    links = re.findall(r"\]\(#([^)]+)\)", text)
    assert len(links) > 40
    broken = sorted(set(links) - anchors)
    assert not broken, f"contents links without a section: {broken}"


def test_time_limit_table_matches_the_catalogue():
    rows = {}
    for line in page().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 6 and re.fullmatch(r"`[a-z_]+`", cells[0]):
            rows[cells[0].strip("`")] = cells
    assert set(rows) == {item["code"] for item in ITEMS}
    for item in ITEMS:
        total = str(item["total"]) + (f" ({item['extended']})" if item.get("extended") else "")
        notice = str(item["notice_days"]) if item.get("notice_days") else "—"
        assert rows[item["code"]][3:5] == [total, notice], item["code"]


# Words that point at files outside the repository (a planning folder a reader does not have).
OUTSIDE = re.compile(r"DOMAIN\.md|DOMAIN §|ARCHITECTURE\.md|STYLE\.md|shared/|seeds/|\b[Ss]eeds? 0\d\d")
SKIPPED_DIRS = {".venv", "node_modules", "var", ".git", "test-results", "vendor"}
# Rewritten by its own change of issue 17 item 9 (ADR 0007 becomes a decision, not a diary).
NOT_YET = {"docs/decisions/0007-cases-engine.md"}


def repository_texts():
    for path in ROOT.rglob("*"):
        relative = path.relative_to(ROOT)
        if SKIPPED_DIRS & set(relative.parts) or not path.is_file():
            continue
        if path.suffix in {".py", ".md", ".html", ".toml", ".sh", ".txt"} or path.name == "Makefile":
            yield relative.as_posix(), path


@pytest.mark.parametrize("pattern", ["DOMAIN.md", "ARCHITECTURE.md", "STYLE.md", "shared/", "seeds/", "seed 003"])
def test_pattern_catches_outside_references(pattern):
    assert OUTSIDE.search(f"see {pattern} for details")


def test_docs_and_code_point_only_inside_the_repository():
    this_file = Path(__file__).relative_to(ROOT).as_posix()
    found = []
    for relative, path in repository_texts():
        if relative in NOT_YET or relative == this_file:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
            if OUTSIDE.search(line):
                found.append(f"{relative}:{number}: {line.strip()}")
    assert not found, "point at docs/domain.md or say it in place:\n" + "\n".join(found)


def product_modules():
    """Python modules of the product: not tests, migrations, benches or browser tests."""
    for relative, path in repository_texts():
        parts = set(relative.split("/"))
        if relative.endswith(".py") and not parts & {"tests", "migrations", "bench", "tests_browser"}:
            yield relative, path.read_text(encoding="utf-8")


def named_modules(adr: str) -> set[str]:
    text = (ROOT / "docs" / "decisions" / adr).read_text(encoding="utf-8")
    return set(re.findall(r"`([a-z_/]+\.py)`", text))


def test_every_module_using_unscoped_is_named_in_adr_0015():
    using = {
        relative
        for relative, text in product_modules()
        if re.search(r"\.unscoped\b", text) and relative != "areas/jurisdiction.py"
    }
    assert "payments/rolls.py" in using
    unexplained = sorted(using - named_modules("0015-scoped-manager-escape-hatch.md"))
    assert not unexplained, f"modules using .unscoped without a reason in ADR 0015: {unexplained}"


def test_every_model_without_a_database_constraint_is_named_in_adr_0014():
    text = (ROOT / "docs" / "decisions" / "0014-foreign-keys-without-constraints.md").read_text(encoding="utf-8")
    using = {relative: source for relative, source in product_modules() if "db_constraint=False" in source}
    assert "payments/models.py" in using
    unexplained = []
    for relative, source in sorted(using.items()):
        app = relative.split("/")[0]
        for model in re.findall(r"^class (\w+)\(", source, flags=re.MULTILINE):
            body = source.split(f"class {model}(", 1)[1].split("\nclass ", 1)[0]
            if "db_constraint=False" in body and f"`{app}.models.{model}`" not in text:
                unexplained.append(f"{app}.models.{model}")
    assert not unexplained, f"foreign keys without a database constraint not explained in ADR 0014: {unexplained}"
