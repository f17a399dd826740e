"""Kamailio as a real SIP edge on loopback: a stateful, record-routing proxy that
dispatches INVITEs to workers (the recipe in /work/shared/TESTING.md, without OPTIONS
probing so that only calls use the connections).

`tcp_connection_lifetime` makes Kamailio close idle TCP connections after that many
seconds, as a proxy restarting or shedding connections does.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
from pathlib import Path

from tests.gateway_sip.sip_baresip import free_port

MODULES = Path("/usr/lib/x86_64-linux-gnu/kamailio/modules")
STARTUP_S = 15

CONFIG = """#!KAMAILIO
debug=2
log_stderror=yes
children=2
tcp_children=2
auto_aliases=no
listen=udp:127.0.0.1:{port}
listen=tcp:127.0.0.1:{port}
alias="127.0.0.1:{port}"
tcp_connection_lifetime={lifetime}
mpath="{modules}/"
loadmodule "kex.so"
loadmodule "corex.so"
loadmodule "tm.so"
loadmodule "tmx.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xlog.so"
loadmodule "sanity.so"
loadmodule "dispatcher.so"
modparam("tm", "fr_timer", 4000)
modparam("tm", "fr_inv_timer", 60000)
modparam("rr", "append_fromtag", 1)
modparam("dispatcher", "list_file", "{folder}/dispatcher.list")
modparam("dispatcher", "flags", 2)
modparam("dispatcher", "xavp_dst", "_dsdst_")

request_route {{
    if (!mf_process_maxfwd_header("10")) {{ sl_send_reply("483", "Too Many Hops"); exit; }}
    if (!sanity_check("17895", "7")) {{ exit; }}
    if (has_totag()) {{
        if (loose_route()) {{ route(RELAY); }}
        if (is_method("ACK")) {{ if (t_check_trans()) route(RELAY); exit; }}
        sl_send_reply("404", "Not here"); exit;
    }}
    if (is_method("CANCEL")) {{ if (t_check_trans()) route(RELAY); exit; }}
    if (!is_method("ACK")) {{
        if (t_precheck_trans()) {{ t_check_trans(); exit; }}
        t_check_trans();
    }}
    remove_hf("Route");
    if (!is_method("INVITE")) {{ sl_send_reply("405", "Only INVITE here"); exit; }}
    record_route();
    if (!ds_select_dst("1", "4")) {{ send_reply("503", "No workers"); exit; }}
    route(RELAY);
}}
route[RELAY] {{ if (!t_relay()) sl_reply_error(); exit; }}
"""


def available() -> bool:
    return shutil.which("kamailio") is not None and MODULES.is_dir()


class Kamailio:
    def __init__(self, folder: Path, workers: list[str], *, lifetime_s: int = 120) -> None:
        self.folder = folder
        self.workers = workers
        """Dispatcher destinations, e.g. `sip:127.0.0.1:5081;transport=tcp`."""
        self.lifetime_s = lifetime_s
        self.port = free_port()
        self.process: asyncio.subprocess.Process | None = None
        self.log = folder / "kamailio.log"

    async def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "dispatcher.list").write_text(
            "".join(f"1 {uri} 0 0 name=w{i}\n" for i, uri in enumerate(self.workers))
        )
        config = self.folder / "kamailio.cfg"
        config.write_text(CONFIG.format(port=self.port, lifetime=self.lifetime_s,
                                        modules=MODULES, folder=self.folder))
        self.process = await asyncio.create_subprocess_exec(
            "kamailio", "-f", str(config), "-DD", "-E", "-m", "64", "-M", "8",
            "-Y", str(self.folder),
            cwd=self.folder, stdout=self.log.open("wb"), stderr=asyncio.subprocess.STDOUT,
        )
        async with asyncio.timeout(STARTUP_S):
            while not await self._listening():
                assert self.process.returncode is None, self.log.read_text()[-3000:]
                await asyncio.sleep(0.1)

    async def _listening(self) -> bool:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", self.port)
        except OSError:
            return False
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
        return True

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), 10)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
