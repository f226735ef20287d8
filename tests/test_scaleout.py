"""Scale-out: two replicas behind the shipped nginx configuration, driven by real browsers.

Starts two ``streamlit run app.py`` replicas on free localhost ports (with the
Dockerfile's ``STREAMLIT_*`` settings and ``NNPLAY_MAX_TRAININGS=1``) and Debian's
nginx in front of them with ``deploy/nginx.conf``: the test only fills in the
two things that file leaves to each deployment, the replicas (its
``nnplay-replicas.conf`` include) and the listen port (its one ``listen 8080;``
line). nginx runs as an ordinary process (``-p <temp dir>``, ``daemon off;``),
never as the system service. Several browsers (Debian's Chromium, each with its
own cookies) then use the app through nginx -- the home page and the sidebar's
language and presenter-mode settings, the cheapest pages to draw on a 2-core
machine -- and the test reads which replica answered every request and every
websocket handshake from the ``X-Upstream`` header that nginx adds.

Run it alone with ``python -m pytest -m scaleout``.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from browser import free_port, screenshot

from nnplay import i18n

pytestmark = [pytest.mark.scaleout, pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
NGINX = shutil.which("nginx", path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin"]))
ROUTE_COOKIE = "nnplay_route"
TIMEOUT_MS = 90_000  # per step: generous for a loaded 2-core machine


# --- the servers ------------------------------------------------------------


def dockerfile_streamlit_settings() -> dict[str, str]:
    """The ``STREAMLIT_*`` variables the Dockerfile sets: the replicas run with them."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    settings: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("ENV "):
            settings.update(re.findall(r"\b(STREAMLIT_[A-Z_]+)=(\S+)", line))
    return settings


def nginx_config(directory: Path, port: int, replicas: list[str]) -> Path:
    """The shipped ``deploy/nginx.conf`` with this test's replicas and listen port."""
    shipped = (DEPLOY / "nginx.conf").read_text()
    listen = rf"\g<1>listen 127.0.0.1:{port};"
    config, listens = re.subn(r"(?m)^(\s*)listen 8080;$", listen, shipped)
    assert listens == 1, "deploy/nginx.conf: one `listen 8080;` directive"
    assert re.search(r"(?m)^\s*include nnplay-replicas.conf;$", shipped)
    path = directory / "nginx.conf"
    path.write_text(config)
    # As in deploy/nnplay-replicas.conf, without `resolve` (no DNS here).
    (directory / "nnplay-replicas.conf").write_text(
        "".join(f"server {address} max_fails=1 fail_timeout=10s;\n" for address in replicas)
    )
    return path


def wait_healthy(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    """Poll ``url`` until it answers 200; fail with the process's log if it exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{process.args[:3]} exited:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"{url} did not answer within {timeout:.0f} s:\n{log.read_text()[-3000:]}")


def end_group(process: subprocess.Popen, sig: int = signal.SIGTERM, wait: float = 10) -> None:
    """Stop a process started in its own session, and everything it started."""
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        process.poll()  # reap it
        return
    try:
        process.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        pass
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)  # anything left in the group?
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=wait)


class Cluster:
    """Two replicas and nginx, each in its own process group, logs in ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.processes: list[subprocess.Popen] = []
        self.replicas: dict[str, subprocess.Popen] = {}  # "127.0.0.1:port" -> process
        self.url = ""

    def _spawn(self, command: list[str], name: str, env: dict[str, str] | None = None):
        log = self.directory / f"{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes.append(process)
        return process, log

    def start(self, count: int = 2) -> None:
        env = {
            **os.environ,
            **dockerfile_streamlit_settings(),
            "NNPLAY_MAX_TRAININGS": "1",
            "NNPLAY_WARM_UP": "0",  # no TensorFlow import: nothing here trains
        }
        started = []
        for _ in range(count):
            port = free_port()
            command = [
                sys.executable, "-m", "streamlit", "run", "app.py",
                "--server.port", str(port), "--server.address", "127.0.0.1",
            ]  # fmt: skip
            process, log = self._spawn(command, f"replica-{port}", env)
            self.replicas[f"127.0.0.1:{port}"] = process
            started.append((f"http://127.0.0.1:{port}/_stcore/health", process, log))

        port = free_port()
        config = nginx_config(self.directory, port, list(self.replicas))
        command = [NGINX, "-p", f"{self.directory}/", "-e", "stderr", "-c", str(config)]
        nginx, log = self._spawn([*command, "-g", "daemon off;"], "nginx")
        self.url = f"http://127.0.0.1:{port}"
        for url, process, replica_log in started:
            wait_healthy(url, process, replica_log)
        wait_healthy(f"{self.url}/_stcore/health", nginx, log)

    def stop_replica(self, address: str) -> None:
        """Stop one replica as ``docker stop`` or Kubernetes would: SIGTERM."""
        end_group(self.replicas[address])

    def close(self) -> None:
        for process in reversed(self.processes):
            end_group(process)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    if NGINX is None:
        pytest.fail("nginx is missing: apt-get install nginx (scripts/install-test-deps.sh)")
    cluster = Cluster(tmp_path_factory.mktemp("scaleout"))
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.close()
    for process in cluster.processes:
        with pytest.raises(ProcessLookupError):
            os.killpg(process.pid, 0)  # no stray streamlit or nginx left


# --- the visitors -------------------------------------------------------------


def replica_of(header: str | None) -> str | None:
    """The replica that finally answered (nginx lists every one it tried)."""
    return header.split(",")[-1].strip() if header else None


# The home page's title in `lang`, and whether the address bar says presenter mode:
# both are written by the server from the session's settings.
SHOWS = """([title, present]) => {
    const h1 = document.querySelector('[data-testid="stMain"] h1');
    const query = new URLSearchParams(location.search);
    return !!h1 && h1.innerText.includes(title) && (query.get("present") === "1") === present;
}"""


class Visitor:
    """One browser (its own cookies) with one tab on the home page.

    Records which replica answers: ``sockets`` holds the replica of each
    websocket handshake in order (Chromium's own network events), ``responses``
    the (path, replica) of every HTTP response.
    """

    def __init__(self, chromium, base_url: str, route: str | None = None) -> None:
        self.base_url = base_url
        self.context = chromium.new_context(viewport={"width": 1200, "height": 800})
        if route is not None:
            cookie = {"name": ROUTE_COOKIE, "value": route, "url": base_url}
            self.context.add_cookies([cookie])
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.responses: list[tuple[str, str | None]] = []
        self.sockets: list[str | None] = []
        self.page.on("response", self._on_response)
        cdp = self.context.new_cdp_session(self.page)
        cdp.on("Network.webSocketHandshakeResponseReceived", self._on_handshake)
        cdp.send("Network.enable")

    def _on_response(self, response) -> None:
        path = response.url.removeprefix(self.base_url)
        self.responses.append((path, replica_of(response.headers.get("x-upstream"))))

    def _on_handshake(self, event) -> None:
        headers = {k.lower(): v for k, v in event["response"]["headers"].items()}
        self.sockets.append(replica_of(headers.get("x-upstream")))

    def open(self) -> None:
        """Start loading the home page in English; :meth:`shows` waits for it."""
        self.page.goto(f"{self.base_url}/?lang=en", wait_until="commit")

    @property
    def route(self) -> str | None:
        cookies = {c["name"]: c["value"] for c in self.context.cookies(self.base_url)}
        return cookies.get(ROUTE_COOKIE)

    @property
    def replica(self) -> str | None:
        return self.sockets[-1] if self.sockets else None

    def replicas_since(self, start: int = 0) -> set[str | None]:
        return {replica for _, replica in self.responses[start:]}

    def switch_presenter(self) -> None:
        sidebar = self.page.locator('[data-testid="stSidebar"]')
        sidebar.locator('[data-testid="stCheckbox"] label').first.click()

    def switch_language(self, lang: str) -> None:
        sidebar = self.page.locator('[data-testid="stSidebar"]')
        sidebar.get_by_text(i18n.LANGUAGES[lang], exact=True).click()

    def shows(self, lang: str, present: bool, timeout: float = TIMEOUT_MS) -> None:
        """Wait until the server has drawn the home page in ``lang``, presenter mode or not."""
        title = i18n.translate("home.title", lang)
        self.page.wait_for_function(SHOWS, arg=[title, present], timeout=timeout)

    def wait_for_socket(self, count: int, timeout: float = 20.0) -> float:
        """Wait until ``count`` websockets have been opened; return the seconds waited."""
        started = time.monotonic()
        while len(self.sockets) < count:
            assert time.monotonic() - started < timeout, f"no websocket #{count} after {timeout} s"
            self.page.wait_for_timeout(100)
        return time.monotonic() - started

    def close(self) -> None:
        self.context.close()


def test_sessions_stay_on_their_replica_and_move_when_it_stops(chromium, cluster):
    started = time.monotonic()

    def step(name: str) -> None:  # timings, shown when the test fails
        print(f"{time.monotonic() - started:5.1f} s  {name}")

    visitors: list[Visitor] = []
    try:
        # Several browsers arrive at once; nginx gives each a routing cookie.
        for _ in range(3):
            visitors.append(Visitor(chromium, cluster.url))
            visitors[-1].open()
        for visitor in visitors:
            visitor.shows("en", present=False)
        step("arrived")

        # The keys are random: more browsers until both replicas have some.
        while len({v.replica for v in visitors}) < 2 and len(visitors) < 10:
            visitors.append(Visitor(chromium, cluster.url))
            visitors[-1].open()
            visitors[-1].shows("en", present=False)
        step("both replicas in use")

        # Both replicas receive sessions; each browser talks to one replica only
        # (page, static files, health checks, websocket), under its own cookie.
        assert {v.replica for v in visitors} == set(cluster.replicas)
        assert len({v.route for v in visitors}) == len(visitors)
        for visitor in visitors:
            assert visitor.route and len(visitor.sockets) == 1
            assert visitor.replicas_since() == {visitor.replica}

        # Its settings survive reruns: presenter mode on, then Korean; presenter
        # mode is still on, all on one websocket to the same replica.
        for visitor in visitors:
            visitor.switch_presenter()
        for visitor in visitors:
            visitor.shows("en", present=True)
            visitor.switch_language("ko")
        for visitor in visitors:
            visitor.shows("ko", present=True)
            assert len(visitor.sockets) == 1
            assert visitor.replicas_since() == {visitor.replica}
        step("settings kept over reruns")

        # A reload is a new session on the same replica (the cookie), with the
        # settings from the address bar.
        for replica in cluster.replicas:
            visitor = next(v for v in visitors if v.replica == replica)
            visitor.page.reload(wait_until="commit")
            visitor.wait_for_socket(2)
            visitor.shows("ko", present=True)
            assert visitor.sockets == [replica, replica]
        step("reloads")

        # One replica stops (docker stop, a pod deleted).
        stopped = visitors[0].replica
        (survivor,) = set(cluster.replicas) - {stopped}
        moved = [v for v in visitors if v.replica == stopped]
        stayed = [v for v in visitors if v.replica == survivor]
        marks = {id(v): (len(v.sockets), len(v.responses)) for v in visitors}
        cluster.stop_replica(stopped)

        # Its visitors are not left hanging: Streamlit's client reconnects, through
        # nginx, to the other replica within seconds, and the page keeps working
        # there with their settings (presenter mode, from the address bar).
        for visitor in moved:
            sockets, responses = marks[id(visitor)]
            waited = visitor.wait_for_socket(sockets + 1)
            assert waited < 15, f"reconnected only after {waited:.1f} s"
            assert visitor.sockets[sockets:] == [survivor]
            # Streamlit's client reconnects without a script run, so the first
            # click reaches a brand-new session, with the values of all the
            # page's widgets: that one click is enough (nnplay.ui.resume).
            visitor.switch_language("en")
            visitor.shows("en", present=True)
            assert visitor.replicas_since(responses) <= {survivor}
        step("moved visitors work on the survivor")

        # The other replica's visitors notice nothing.
        for visitor in stayed:
            visitor.switch_language("en")
            visitor.shows("en", present=True)
            assert len(visitor.sockets) == marks[id(visitor)][0]
        step("stayed visitors unaffected")

        # New sessions are served by the other replica: a new browser, and one
        # whose cookie points at the stopped replica.
        newcomers = [Visitor(chromium, cluster.url), Visitor(chromium, cluster.url, moved[0].route)]
        visitors += newcomers
        for visitor in newcomers:
            visitor.open()
        for visitor in newcomers:
            visitor.shows("en", present=False)
            assert visitor.sockets == [survivor]
            assert visitor.replicas_since() == {survivor}
        step("new sessions on the survivor")

        # With no replica left, visitors see Streamlit's "Connection error"
        # message (nginx answers 502 at once) rather than a page that silently
        # stopped answering; the client keeps trying in the background.
        cluster.stop_replica(survivor)
        for visitor in (moved[0], stayed[0]):
            message = visitor.page.get_by_role("dialog").filter(has_text="Connection error")
            message.wait_for(state="visible", timeout=30_000)
        step("connection error shown")
    except BaseException:
        for number, visitor in enumerate(visitors):  # what each browser showed
            with contextlib.suppress(Exception):
                screenshot(visitor.page, f"scaleout-visitor-{number}")
            print(f"visitor {number}: {visitor.page.url} sockets={visitor.sockets}")
        raise
    finally:
        for visitor in visitors:
            visitor.close()
