"""The test matrix (Python x Django, plus the dependency floors), lint, types and packaging.

`nox` runs every session; `nox -t ci` runs the subset `.ci/run` runs; `nox -l` lists them.
Every session builds its own fresh environment. Dependencies come from pyproject.toml's
[dependency-groups], so this file never repeats a version range.
"""

from __future__ import annotations

import os
import re
import shutil
import tarfile
import tempfile
import zipfile
from pathlib import Path

import nox

nox.needs_version = ">=2025.2.9"
# uv builds environments in seconds; plain virtualenv (with pip) is the fallback when uv is absent.
nox.options.default_venv_backend = "uv|virtualenv"
# The interpreters are on this machine or nowhere: never try to download one.
nox.options.download_python = "never"

ROOT = Path(__file__).resolve().parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
PACKAGE = "stytch_discovery"

# Which Pythons each Django release supports (Django 6.x needs 3.12+).
DJANGO_PYTHONS = {
    "5.2": ("3.10", "3.11", "3.12", "3.13"),
    "6.0": ("3.12", "3.13"),
    "6.1": ("3.12", "3.13"),
}
OLDEST_DJANGO, NEWEST_DJANGO = "5.2", "6.1"
PYTHONS = DJANGO_PYTHONS[OLDEST_DJANGO]
NEWEST_PYTHON = PYTHONS[-1]

# Browser tests run in the default suite and the package session; the matrix checks Django and
# Python compatibility, so it leaves them (and the slow load test) out.
MATRIX_MARKERS = "not slow and not browser"
# What the package session copies next to the installed wheel to run the suite (the browser tests
# serve the example project; the load test drives benchmarks/).
SUITE_DIRECTORIES = ("tests", "example_project", "benchmarks")


def _put_pyenv_pythons_on_path() -> None:
    """Put pyenv's real interpreters ahead of its shims.

    pyenv's `python3.10` shim fails ("command not found") unless that version is selected in
    PYENV_VERSION, which would make a session silently skip (or fail on CI). The newest patch
    release of each supported minor version is used.
    """
    versions = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    bins = []
    for minor in PYTHONS:
        # Plain CPython releases only ("3.12.1", not "3.12-dev" or "3.13.0t").
        releases = [
            p for p in versions.glob(f"{minor}.*") if re.fullmatch(rf"{re.escape(minor)}\.\d+", p.name)
        ]
        if releases:
            newest = max(releases, key=lambda p: int(p.name.rsplit(".", 1)[1]))
            bins.append(str(newest / "bin"))
    if bins:
        os.environ["PATH"] = os.pathsep.join([*bins, os.environ.get("PATH", "")])


_put_pyenv_pythons_on_path()


def _groups(*names: str) -> tuple[str, ...]:
    return nox.project.dependency_groups(PYPROJECT, *names)


def _floors() -> dict[str, str]:
    """Each runtime dependency but Django (the matrix pins it) and the oldest release its ``>=`` allows.

    Every floor is tested, not only declared: PyJWT's was 2.8 until the floors session pinned it
    and 2.8 turned out to refuse the JWKS keys, 2.9 a choice of issuers. A floor of three parts
    (``2.10.1``) pins that release's patch series (``~=2.10.1.0``).
    """
    floors = {}
    for requirement in PYPROJECT["project"]["dependencies"]:
        found = re.fullmatch(r"([A-Za-z0-9_.-]+)(\[[a-z,]+\])?>=([\d.]+)", requirement)
        if found is None:
            raise LookupError(f"pyproject.toml's {requirement!r} has no plain >= floor")
        if found.group(1).lower() != "django":
            floors[found.group(1) + (found.group(2) or "")] = found.group(3)
    return floors


#: Pinned by the floors session to the oldest release series their floor allows (``name[extra]``: version).
FLOORS = _floors()
#: The installed versions of Django and of each floor, by distribution name (no extras).
DISTRIBUTIONS = ["django", *(name.partition("[")[0] for name in FLOORS)]
VERSIONS_SCRIPT = (
    "import sys, importlib.metadata as m; print(sys.version.split()[0], *map(m.version, sys.argv[1:]))"
)


def _check_versions(session: nox.Session, *, django: str | None = None, floors: bool = False) -> None:
    """Log the installed versions and fail on a mismatch, so a session never tests the wrong stack."""
    found = str(session.run("python", "-c", VERSIONS_SCRIPT, *DISTRIBUTIONS, silent=True)).split()
    session.log(
        ", ".join(
            f"{name} {version}" for name, version in zip(["Python", *DISTRIBUTIONS], found, strict=True)
        )
    )
    expected: list[str | None] = [str(session.python), django]
    expected += FLOORS.values() if floors else [None] * len(FLOORS)
    wrong = [
        f"{want}.x wanted, {got} found"
        for want, got in zip(expected, found, strict=True)
        if want and got != want and not got.startswith(f"{want}.")
    ]
    if wrong:
        session.error("; ".join(wrong))


Combination = tuple[str, str, bool]  # Python, Django, FLOORS pinned (else the newest allowed)
FLOORS_COMBINATION: Combination = (PYTHONS[0], OLDEST_DJANGO, True)
# What .ci/run runs: the oldest and the newest Python x Django, and the floors.
CI_COMBINATIONS: set[Combination] = {
    (PYTHONS[0], OLDEST_DJANGO, False),
    (NEWEST_PYTHON, NEWEST_DJANGO, False),
    FLOORS_COMBINATION,
}


def _test_params() -> list[nox.param]:
    combinations: list[Combination] = [
        (python, django, False) for django, pythons in DJANGO_PYTHONS.items() for python in pythons
    ]
    combinations.append(FLOORS_COMBINATION)
    return [
        nox.param(
            python,
            django,
            floors,
            id=f"py{python}-django{django}" + ("-floors" if floors else ""),
            tags=["ci"] if (python, django, floors) in CI_COMBINATIONS else [],
        )
        for python, django, floors in combinations
    ]


@nox.session(python=NEWEST_PYTHON, tags=["ci"])
def lint(session: nox.Session) -> None:
    """ruff check, ruff format --check, and the import contracts (pyproject's [tool.importlinter])."""
    session.install(*_groups("lint"))
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("lint-imports")


@nox.session(python=NEWEST_PYTHON, tags=["ci"])
def types(session: nox.Session) -> None:
    """mypy --strict with django-stubs and djangorestframework-stubs."""
    session.install("-e", ".", *_groups("type"))
    session.run("mypy", PACKAGE, "tests", "benchmarks", "noxfile.py", ".ci")


@nox.session
@nox.parametrize(["python", "django", "floors"], _test_params())
def tests(session: nox.Session, django: str, floors: bool) -> None:
    """The suite (without browser and slow tests) on one Python x Django combination (x the floors)."""
    pins = [f"django~={django}.0"]
    if floors:
        pins += [f"{name}~={version}.0" for name, version in FLOORS.items()]
    session.install("-e", ".", *_groups("test", "browser"), *pins)
    _check_versions(session, django=django, floors=floors)
    session.run("pytest", "-m", MATRIX_MARKERS, *session.posargs)


@nox.session(python=NEWEST_PYTHON, tags=["ci"])
def package(session: nox.Session) -> None:
    """Build the sdist and wheel, check them, and run the suite against the installed wheel."""
    session.install("build", "twine")
    with tempfile.TemporaryDirectory(prefix="stytch-discovery-package-") as tmp:
        dist = Path(tmp) / "dist"
        # build makes the sdist, then the wheel from it: the sdist is proven complete as a side effect.
        session.run("python", "-m", "build", "--outdir", str(dist), str(ROOT))
        session.run("twine", "check", "--strict", *(str(p) for p in sorted(dist.iterdir())))
        (wheel,) = dist.glob("*.whl")
        (sdist,) = dist.glob("*.tar.gz")
        problems = wheel_problems(wheel) + sdist_problems(sdist)
        if problems:
            session.error("Distribution check failed:\n  " + "\n  ".join(problems))
        session.log(f"{wheel.name} and {sdist.name}: contents OK")

        session.install(str(wheel), *_groups("test", "browser"))
        _check_versions(session)
        # A directory holding the tests, the example project the browser tests serve, and the pytest
        # configuration, but not the package: it can only be imported from site-packages there.
        # tests/test_packaging.py checks that it was.
        workdir = Path(tmp) / "suite"
        for directory in SUITE_DIRECTORIES:
            shutil.copytree(
                ROOT / directory, workdir / directory, ignore=shutil.ignore_patterns("__pycache__")
            )
        # The configuration, and the manual whose tables tests/core/test_public_api.py checks.
        for name in ("pyproject.toml", "README.md", "docs/settings.md"):
            (workdir / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, workdir / name)
        session.chdir(workdir)
        session.run("pytest", *session.posargs, env={"STYTCH_DISCOVERY_TEST_INSTALLED": "1"})


def _source_files() -> set[str]:
    """Every file of the package in the source tree, as wheel paths."""
    return {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / PACKAGE).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }


def wheel_problems(wheel: Path) -> list[str]:
    """What is wrong with the wheel's contents (empty when nothing is)."""
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(
            (archive.read(n).decode() for n in names if n.endswith(".dist-info/entry_points.txt")), ""
        )
    shipped = {n for n in names if n.startswith(f"{PACKAGE}/")}
    source = _source_files()
    problems = [f"missing from the wheel: {n}" for n in sorted(source - shipped)]
    problems += [f"in the wheel but not in the source tree: {n}" for n in sorted(shipped - source)]
    others = sorted(n for n in names - shipped if ".dist-info/" not in n)
    problems += [f"unexpected file in the wheel (tests? example project?): {n}" for n in others]
    required = [f"{PACKAGE}/py.typed", f"{PACKAGE}/migrations/__init__.py"]
    problems += [f"required file missing from the wheel: {n}" for n in required if n not in names]
    if not any(re.fullmatch(rf"{PACKAGE}/migrations/0001_\w+\.py", n) for n in names):
        problems.append("the wheel holds no initial migration")
    if f"{PACKAGE}.testing.pytest_plugin" not in entry_points:
        problems.append("the wheel does not declare the pytest11 entry point")
    return problems


def sdist_problems(sdist: Path) -> list[str]:
    """What is missing from the sdist: enough to build the wheel and run the tests."""
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    required = ["pyproject.toml", "README.md", "LICENSE", "CHANGELOG.md", f"{PACKAGE}/py.typed"]
    required += ["tests/settings.py", "tests/conftest.py"]
    return [f"missing from the sdist: {n}" for n in required if n not in names]
