"""The distribution is the one package `govreport` (extractor/, grammars/ and cli.py mapped
into it), and the tests run this working tree's code, not an installed copy."""
from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from conftest import REPO


def test_every_subpackage_of_extractor_is_packaged():
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert config["package-dir"] == {"govreport": "extractor", "govreport.grammars": "grammars"}
    on_disk = {"govreport." + ".".join(p.parent.relative_to(REPO / "extractor").parts)
               for p in (REPO / "extractor").rglob("__init__.py")}
    on_disk = {name.rstrip(".") for name in on_disk} | {"govreport.grammars"}
    # the command line's own package, linked into extractor/ the way cli.py is
    assert (REPO / "extractor" / "commands").resolve() == REPO / "commands"
    on_disk.add("govreport.commands")
    assert set(config["packages"]) == on_disk


def test_tests_import_the_working_tree():
    import govreport
    import govreport.cli
    assert (REPO / "extractor") in Path(govreport.__file__).resolve().parents
    assert Path(govreport.cli.__file__).resolve() == REPO / "cli.py"
    child = subprocess.run([sys.executable, "-c", "import govreport.grammar as g; print(g.__file__); print(g.grammar_dir())"],
                           capture_output=True, text=True, check=True, cwd="/")
    module_file, grammars = child.stdout.splitlines()
    assert Path(module_file).resolve() == REPO / "extractor" / "grammar.py"
    assert Path(grammars) == REPO / "grammars"


def test_wheel_holds_only_the_govreport_package(tmp_path):
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(REPO)],
                           capture_output=True, text=True)
    if build.returncode and "No matching distribution" in build.stderr:
        pytest.skip("no package index to fetch setuptools from for the isolated build")
    assert build.returncode == 0, build.stderr
    (wheel,) = tmp_path.glob("govreport-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")} == {"govreport"}
    for needed in ("govreport/__main__.py", "govreport/cli.py", "govreport/commands/batch.py", "govreport/py.typed",
                   "govreport/grammars/2019.json", "govreport/grammars/2021.json", "govreport/readers/pdf.py"):
        assert needed in names
    entry_points = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "govreport = govreport.cli:app" in entry_points


def test_python_dash_m_govreport_prints_the_version():
    import govreport
    out = subprocess.run([sys.executable, "-m", "govreport", "--version"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout == f"govreport {govreport.__version__}\n"
    completion = subprocess.run([sys.executable, "-m", "govreport", "--help"], capture_output=True, text=True,
                                timeout=120, env={**os.environ, "COLUMNS": "200"})
    assert "--install-completion" in completion.stdout


def _declared() -> dict:
    from packaging.requirements import Requirement
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = [Requirement(r) for r in project["dependencies"]]
    reqs += [Requirement(r) for extra in project["optional-dependencies"].values() for r in extra]
    return {canonicalize_name(r.name): r for r in reqs}


def canonicalize_name(name: str) -> str:
    from packaging.utils import canonicalize_name as canon
    return canon(name)


def _third_party_imports() -> set[str]:
    """Top-level modules the package and the CLI import that are not the stdlib's or ours."""
    import ast
    names = set()
    for path in [REPO / "cli.py", *(REPO / "commands").glob("*.py"), *(REPO / "extractor").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"govreport", "__future__"}


def test_every_direct_import_is_a_declared_dependency():
    from importlib.metadata import packages_distributions
    dists = packages_distributions()
    declared = _declared()
    imports = _third_party_imports()
    assert {"pypdfium2", "PIL", "typer", "pdfplumber"} <= imports       # the walk sees them
    missing = {m: dists.get(m) for m in imports
               if not any(canonicalize_name(d) in declared for d in dists.get(m, []))}
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"


def test_minimum_versions_file_pins_every_floor():
    from packaging.requirements import Requirement
    from packaging.version import Version
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    floors = {}
    for line in project["dependencies"]:
        req = Requirement(line)
        (spec,) = [s for s in req.specifier if s.operator == ">="]
        floors[canonicalize_name(req.name)] = Version(spec.version)
    pins = {}
    for line in (REPO / ".ci" / "constraints-min.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            req = Requirement(line)
            (spec,) = req.specifier
            assert spec.operator == "=="
            pins[canonicalize_name(req.name)] = Version(spec.version)
    assert pins == floors
