"""The built wheel is a working app on its own: installed outside the source tree (as in a
container image), ``delphi init``, ``delphi demo`` and gunicorn serve a panellist's page with its
templates, stylesheet and migrations taken from the installed package."""
from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.support.mail import free_port

pytestmark = pytest.mark.slow  # builds a wheel, installs it into a new venv and starts gunicorn

ROOT = Path(__file__).resolve().parents[3]  # the repository: tests/system/cli is three down
# Everything a build needs is the package, its two top-level modules, pyproject.toml and README.
SOURCE_FILES = ("pyproject.toml", "README.md", "config.py", "wsgi.py")


def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            timeout=120, **kwargs)
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout}"
    return result


def _build_wheel(tmp_path: Path) -> Path:
    """Build from a copy of the source, so the build writes nothing into the work tree."""
    source = tmp_path / "source"
    source.mkdir()
    for name in SOURCE_FILES:
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "delphi", source / "delphi",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    wheels = tmp_path / "wheels"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
          "--quiet", "-w", str(wheels), str(source)])
    (wheel,) = wheels.glob("delphi-*.whl")
    return wheel


def _venv_with(wheel: Path, tmp_path: Path) -> Path:
    """A new venv holding the wheel; the dependencies come from this venv's site-packages by a
    .pth line, which adds that folder alone: its own .pth files (among them the editable
    install's path to the source tree) are not read."""
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
          "--no-index", "--quiet", str(wheel)])
    site_packages = Path(_run([str(python), "-c", "import sysconfig; "
                               "print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    ours = sysconfig.get_paths()["purelib"]
    (site_packages / "zz_dependencies.pth").write_text(ours + "\n")
    return venv


def test_the_installed_wheel_initialises_loads_the_demo_and_serves_a_panellist_page(tmp_path):
    wheel = _build_wheel(tmp_path)
    venv = _venv_with(wheel, tmp_path)
    workdir = tmp_path / "work"
    workdir.mkdir()
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("DELPHI_", "DATABASE_", "MAIL_", "SECRET_KEY", "PYTHON",
                                   "FLASK_"))}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env.update(DATABASE_URL=f"sqlite:///{workdir / 'wheel.sqlite3'}", DELPHI_BASE_URL=base,
               DELPHI_ENV="development", SECRET_KEY="wheel-test-secret-key", MAIL_HOST="",
               RATELIMIT_ENABLED="0")
    python = str(venv / "bin" / "python")

    # The app, its templates, static files and migrations come from the venv, not the source.
    where = _run([python, "-c", "import sys, delphi, config, wsgi; "
                  "print(delphi.__file__); print(config.__file__); print(config.INSTANCE); "
                  "print(delphi.create_app().template_folder); print(sys.path)"],
                 cwd=workdir, env=env).stdout.splitlines()
    installed = str(venv / "lib")
    assert where[0].startswith(installed), where
    assert where[1].startswith(installed), where
    assert where[2] == str(workdir / "instance"), where  # beside the user, not in site-packages
    assert where[3].startswith(installed), where
    assert str(ROOT) not in ast.literal_eval(where[4]), where

    delphi = str(venv / "bin" / "delphi")
    _run([delphi, "init"], cwd=workdir, env=env)
    demo = _run([delphi, "demo"], cwd=workdir, env=env).stdout
    links = re.findall(rf"{re.escape(base)}/\S+", demo.split("Panellist links:")[1])
    assert links, demo
    assert (workdir / "instance").is_dir()  # the secret key and mail folder live here

    log = open(tmp_path / "gunicorn.log", "w")  # noqa: SIM115 (closed in finally)
    server = subprocess.Popen([python, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}",
                               "--workers", "1", "wsgi:app"],
                              cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        page = ""
        deadline = time.monotonic() + 60
        while True:
            try:  # the first page can take seconds on a busy machine: waited for, not refused
                with urllib.request.urlopen(links[0], timeout=30) as response:
                    assert response.status == 200
                    page = response.read().decode()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()
                assert time.monotonic() < deadline, (tmp_path / "gunicorn.log").read_text()
                time.sleep(0.3)
        assert "Connecting People Intervention" in page
        stylesheets = re.findall(r'href="(/static/[^"?]+\.css)', page)
        assert stylesheets, page
        for stylesheet in stylesheets:
            with urllib.request.urlopen(base + stylesheet, timeout=5) as response:
                assert response.status == 200
                assert "text/css" in response.headers["Content-Type"]
                assert b"{" in response.read()
    finally:
        server.terminate()
        server.wait(timeout=15)
        log.close()
