"""What the Dockerfile builds, built the way it builds it, without a Docker engine.

The Dockerfile's COPY and RUN steps are read from the file and replayed: the files it copies (and only
those, after .dockerignore) go to a fresh directory, its ``scripts/install.sh`` steps run there into a
fresh venv, and the installed ``pantau-ham`` is started from another directory, as a non-root user when
the tests run as root. ``scripts/docker-smoke.sh`` does the real ``docker build`` where an engine exists.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import venv
from pathlib import Path

import pytest

from tests.http_bot_api import HttpBotApi
from tests.processes import free_port, http_get, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("image")]  # one image (module fixture) on one worker

ROOT = Path(__file__).resolve().parent.parent


def dockerfile_steps() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text()
    text = re.sub(r"\\\n\s*", " ", text)
    steps = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            steps.append((word.upper(), rest.strip()))
    return steps


def test_the_dockerfile_keeps_its_promises():
    steps = dockerfile_steps()
    words = [w for w, _ in steps]
    runs = [r for w, r in steps if w == "RUN"]
    deps = next(i for i, (w, r) in enumerate(steps) if w == "RUN" and "install.sh deps" in r)
    source = next(i for i, (w, r) in enumerate(steps) if w == "COPY" and r.startswith("bot "))
    assert deps < source, "dependencies are installed before the source is copied"
    assert any("install.sh app" in r for r in runs)
    user = dict(steps)["USER"]
    assert user not in ("root", "0") and words.index("USER") > max(i for i, w in enumerate(words) if w == "RUN")
    assert "HEALTHCHECK" in words and "pantau-ham" in dict(steps)["HEALTHCHECK"]
    assert "8443" in dict(steps)["EXPOSE"]
    assert any(f"chown {user}" in r and "/app/var" in r for r in runs), "the volume belongs to the bot's user"
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".env", "var", ".venv", ".git"} <= set(ignored)


def _ignored(path: Path, patterns: list[str]) -> bool:
    rel = path.relative_to(ROOT).as_posix()
    for pat in patterns:
        pat = pat.rstrip("/").removeprefix("**/")
        if any(part == pat for part in rel.split("/")) or Path(rel).match(pat) or rel == pat:
            return True
    return False


def _copy(src: str, dst: Path, patterns: list[str]) -> None:
    source = ROOT / src
    if source.is_dir():
        for path in source.rglob("*"):
            if path.is_file() and not _ignored(path, patterns):
                target = dst / path.relative_to(source)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
    else:
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, dst)


def _as_user() -> list[str]:
    """Run as nobody when the tests run as root (the image runs as a non-root user)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv:
        return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    return []


@pytest.fixture(scope="module")
def image(tmp_path_factory) -> Path:
    base = Path(tempfile.mkdtemp(prefix="pantau-image-"))
    base.chmod(0o755)
    app, env_dir = base / "app", base / "venv"
    app.mkdir()
    venv.EnvBuilder(with_pip=True).create(env_dir)
    patterns = (ROOT / ".dockerignore").read_text().split()
    env = {**os.environ, "VIRTUAL_ENV": str(env_dir), "PATH": f"{env_dir / 'bin'}:{os.environ['PATH']}"}
    env.pop("PYTHONPATH", None)
    for word, rest in dockerfile_steps():
        if word == "COPY":
            *sources, dest = shlex.split(rest)
            for src in sources:
                target = app / dest if not dest.endswith("/") and len(sources) == 1 and dest not in ("./", ".") \
                    else app / dest / Path(src).name
                _copy(src, target, patterns)
        elif word == "RUN" and "scripts/install.sh" in rest:
            subprocess.run(rest, shell=True, cwd=app, env=env, check=True, timeout=900)
    assert not (app / ".env").exists() and not (app / "tests").exists()
    yield env_dir
    shutil.rmtree(base, ignore_errors=True)


def test_the_installed_bot_runs_from_elsewhere_as_a_non_root_user(image):
    work = Path(tempfile.mkdtemp(prefix="pantau-run-"))
    work.chmod(0o777)
    exe = str(image / "bin" / "pantau-ham")
    user = _as_user()
    health_port = free_port()
    env = {"PATH": f"{image / 'bin'}:/usr/bin:/bin", "HOME": str(work), "TELEGRAM_BOT_TOKEN": "123456:container",
           "DATABASE_URL": f"sqlite:///{work / 'var' / 'pantau-ham.db'}", "PANTAU_TICK_SECONDS": "1",
           "PANTAU_HEALTH_PORT": str(health_port), "PANTAU_WEBHOOK_LISTEN": "127.0.0.1", "PANTAU_ADMIN_IDS": "111",
           "PYTHONOPTIMIZE": _image_env()["PYTHONOPTIMIZE"]}  # the image runs without docstrings (-OO)
    try:
        with HttpBotApi() as api:
            api.know(111)
            env["TELEGRAM_API_BASE_URL"] = api.base_url
            # nothing of the source tree is importable from here: the venv alone must be enough
            proc = subprocess.Popen([*user, exe, "run"], cwd=work, env=env, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True)
            try:
                wait_for(lambda: proc.poll() is not None or _healthy(health_port), 60,
                         what="the installed bot's /healthz")
                assert proc.poll() is None, proc.communicate()[0]
                check = subprocess.run([*user, exe, "health"], cwd=work, env=env, capture_output=True, text=True,
                                       timeout=60)
                assert check.returncode == 0, check.stdout + check.stderr
                assert json.loads(check.stdout)["database"] is True
                assert {"getMe", "setMyCommands"} <= api.methods()
                proc.send_signal(signal.SIGTERM)
                output, _ = proc.communicate(timeout=15)
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.communicate()
        assert proc.returncode == 0, output
        database = work / "var" / "pantau-ham.db"
        assert oct(database.stat().st_mode & 0o777) == oct(0o600)
        if user:
            assert database.stat().st_uid == 65534
        # the Indonesian catalog travelled with the package, compiled at install: a start compiles nothing
        assert len(list(image.glob("lib/python*/site-packages/locales/*/LC_MESSAGES/messages.mo"))) == 2
        helped = subprocess.run([*user, exe, "--help"], cwd=work, env=env, capture_output=True, text=True, timeout=60)
        assert "jalankan bot Telegram" in helped.stdout
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _image_env() -> dict[str, str]:
    """The variables the Dockerfile's ENV lines set."""
    return dict(item.split("=", 1) for word, rest in dockerfile_steps() if word == "ENV" for item in shlex.split(rest))


def _healthy(port: int) -> bool:
    try:
        return http_get(f"http://127.0.0.1:{port}/healthz", 1)[0] == 200
    except OSError:
        return False


def test_the_smoke_script_is_there_for_a_real_docker_build():
    script = ROOT / "scripts" / "docker-smoke.sh"
    assert os.access(script, os.X_OK)
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "info"], capture_output=True, timeout=30).returncode == 0:
        pytest.skip("a Docker engine answers here: scripts/docker-smoke.sh does the real build")
    result = subprocess.run([str(script)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "docker" in result.stderr.lower(), result.stderr
