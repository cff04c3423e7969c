"""A desk whose PostgreSQL goes away keeps its scans and goes on when it is back.

The desk reaches PostgreSQL through a small TCP forwarder started here on
127.0.0.1. Stopping the forwarder closes its port and cuts every connection
through it, which is what a desk sees when the server or the network goes
away, without touching the shared server the other tests use.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from datetime import date

import pytest
from sqlalchemy.engine import make_url

from paperless_ig.services import audit, boxes, deposits, locations, schedule, teams
from paperless_ig.services.desk_scan import Mode
from paperless_ig.store.database import Database
from paperless_ig.ui import tasks
from paperless_ig.ui.desk import DeskPage
from tests.conftest import ADMIN, PG_URL

pytestmark = pytest.mark.gui
WAIT = 20000


class Forwarder:
    """Forward 127.0.0.1:<port> to PostgreSQL; ``stop()`` cuts it off, ``start()`` restores it.

    Loopback only, at most ``MAX_LINKS`` connections at once, and every thread
    is a daemon joined on stop, so a failing test cannot leave it running.
    """

    MAX_LINKS = 16

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = 0  # chosen on the first start, kept for the restarts
        self._listener: socket.socket | None = None
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(self.MAX_LINKS)
        listener.settimeout(0.05)  # so the accept loop sees stop() promptly
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._stopping.clear()
        self._spawn(self._accept)

    def stop(self) -> None:
        self._stopping.set()
        with self._lock:
            sockets, self._sockets = list(self._sockets), set()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)  # wakes the pumps blocked in recv
            sock.close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads = [t for t in self._threads if t.is_alive()]
        if self._listener is not None:
            self._listener.close()
            self._listener = None

    def _spawn(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _accept(self) -> None:
        listener = self._listener
        while not self._stopping.is_set():
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            with self._lock:
                full = len(self._sockets) >= 2 * self.MAX_LINKS
            try:
                if full or self._stopping.is_set():
                    raise OSError("forwarder is full or stopping")
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets.update((client, upstream))
            self._spawn(self._pump, client, upstream)
            self._spawn(self._pump, upstream, client)

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


@pytest.fixture
def forwarder(pg_db):
    target = make_url(PG_URL)
    forwarder = Forwarder((target.host or "127.0.0.1", target.port or 5432))
    forwarder.start()
    yield forwarder
    forwarder.stop()


@pytest.fixture
def desk(qtbot, pg_db, forwarder):
    """A desk on PostgreSQL through the forwarder, with a shelf and two boxes to put on it."""
    schedule.import_example(pg_db, ADMIN)
    teams.add_team(pg_db, ADMIN, teams.TeamSpec("NCC", "Resources", "FIN-AP", "Accounts Payable", "H"))
    shelf = locations.add_location(pg_db, ADMIN, "M-001-1-01", capacity=6)
    codes = deposits.log_deposit(pg_db, ADMIN, deposits.DepositRequest(
        "FIN-AP", "FIN-01-01", [deposits.BoxSpec("Paid invoices", date(2020, 1, 1))] * 2)).barcodes
    url = make_url(PG_URL).set(host="127.0.0.1", port=forwarder.port)
    desk_db = Database(url.render_as_string(hide_password=False), schema=pg_db.schema)
    page = DeskPage(desk_db, ADMIN)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    qtbot.waitUntil(lambda: page.scan_panel.issue_team.count() == 1, timeout=WAIT)
    panel = page.scan_panel
    panel.retry_first_ms, panel.retry_max_ms = 150, 400  # the desk's own 2 s, shortened
    outcomes = []
    panel.scanned.connect(outcomes.append)
    yield page, shelf, codes, outcomes
    tasks.wait_for_tasks()
    desk_db.dispose()


def _type(qtbot, panel, code: str) -> None:
    qtbot.keyClicks(panel.field, code)
    qtbot.keyClick(panel.field, "\r")


@pytest.mark.pg
def test_scans_are_kept_while_the_database_is_away_and_handled_when_it_is_back(
        qtbot, desk, forwarder, pg_db):
    """GIVEN a desk shelving onto M-001-1-01 over a working connection
    WHEN the database goes away and two boxes are scanned, then it comes back
    THEN a banner names the kept scans, nothing is refused or lost, and once
    the database answers both boxes are shelved, in order, once each."""
    page, shelf, codes, outcomes = desk
    panel = page.scan_panel
    _type(qtbot, panel, shelf.barcode)
    qtbot.waitUntil(lambda: len(outcomes) == 1, timeout=WAIT)
    assert outcomes[0].ok and panel.run.mode is Mode.SHELVE
    _type(qtbot, panel, "NOT-A-BOX")  # an ordinary refusal: red, and the run goes on
    qtbot.waitUntil(lambda: len(outcomes) == 2, timeout=WAIT)
    assert not outcomes[1].ok and "not known" in outcomes[1].message
    assert panel.banner.isHidden()

    forwarder.stop()
    with qtbot.waitSignal(panel.kept, timeout=WAIT) as kept:
        _type(qtbot, panel, codes[0])
    assert kept.args == [codes[0]]
    assert panel.banner.isVisible()
    assert panel.banner.text.text().startswith(
        f"The database cannot be reached. Your scan {codes[0]} is kept and will be tried again")
    assert panel.field.text() == "" and panel.field.isEnabled()  # ready for the next scan
    qtbot.waitUntil(lambda: panel.attempts >= 2, timeout=WAIT)  # it keeps trying, and backs off
    assert panel.offline and [s.raw for s in panel.queue] == [codes[0]]
    with qtbot.waitSignal(panel.kept, timeout=WAIT):
        _type(qtbot, panel, codes[1])
    assert f"Your 2 scans ({codes[0]}, {codes[1]}) are kept" in panel.banner.text.text()
    panel.set_mode(Mode.LOOK_UP)  # refused: kept scans are handled in the mode they were made in
    assert panel.run.mode is Mode.SHELVE and panel.run.location == shelf.code
    assert len(outcomes) == 2 and boxes.show(pg_db, codes[0]).location is None

    with qtbot.waitSignal(panel.reconnected, timeout=WAIT):
        forwarder.start()
    qtbot.waitUntil(lambda: len(outcomes) == 4, timeout=WAIT)
    assert [(o.scanned, o.ok) for o in outcomes[2:]] == [(codes[0], True), (codes[1], True)]
    assert panel.banner.isHidden() and not panel.queue and not panel.offline
    assert panel.message.text() == f"✓ {codes[1]} shelved on {shelf.code} (2 of 6)"
    for code in codes:
        assert boxes.show(pg_db, code).location == shelf.code
        assert [e.action for e in audit.history(pg_db, "box", code)] == ["box.move", "box.create"]
    assert audit.verify(pg_db).ok
