"""`voicebot models fetch` code against a local HTTP server serving zips built here."""

from __future__ import annotations

import hashlib
import http.server
import io
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from asr_tts.errors import ModelFetchError
from asr_tts.model_registry import KNOWN_MODELS, KnownModel, fetch_model, find_model

NAME = "vosk-model-small-ru-0.22"


def model_zip(top: str | None = NAME, extra: dict[str, bytes] | None = None) -> bytes:
    buf = io.BytesIO()
    prefix = f"{top}/" if top else ""
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{prefix}am/final.mdl", b"acoustic model " * 2000)
        archive.writestr(f"{prefix}conf/model.conf", b"--sample-frequency=16000\n")
        archive.writestr(f"{prefix}graph/HCLr.fst", b"graph" * 500)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buf.getvalue()


class Files:
    """What the local server serves: path -> bytes, plus a request log."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}
        self.truncate: set[str] = set()
        self.requests: list[str] = []


@pytest.fixture
def server() -> Iterator[tuple[Files, str]]:
    files = Files()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            files.requests.append(self.path)
            blob = files.blobs.get(self.path)
            if blob is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/zip")
            self.send_header("Content-Length", str(len(blob)))
            self.end_headers()
            if self.path in files.truncate:
                blob = blob[: len(blob) // 2]
            self.wfile.write(blob)

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield files, f"http://127.0.0.1:{httpd.server_address[1]}/vosk/models"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_fetch_verifies_and_unpacks(server: tuple[Files, str], tmp_path: Path) -> None:
    files, base = server
    blob = model_zip()
    files.blobs[f"/vosk/models/{NAME}.zip"] = blob
    seen: list[tuple[int, int | None]] = []
    path = fetch_model(
        find_model(NAME), tmp_path / "models", base, progress=lambda d, t: seen.append((d, t))
    )
    assert path == tmp_path / "models" / NAME
    assert (path / "am" / "final.mdl").read_bytes() == b"acoustic model " * 2000
    assert (path / "conf" / "model.conf").is_file()
    assert seen[-1] == (len(blob), len(blob))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert leftovers(tmp_path / "models") == [NAME]  # no temporary files left
    # already installed: no second download
    assert fetch_model(find_model(NAME), tmp_path / "models", base) == path
    assert len(files.requests) == 1


def test_zip_without_top_folder(server: tuple[Files, str], tmp_path: Path) -> None:
    files, base = server
    files.blobs[f"/vosk/models/{NAME}.zip"] = model_zip(top=None)
    path = fetch_model(find_model(NAME), tmp_path, base)
    assert (path / "am" / "final.mdl").is_file()


def test_pinned_sha256_and_size(server: tuple[Files, str], tmp_path: Path) -> None:
    files, base = server
    blob = model_zip(top="pinned")
    files.blobs["/vosk/models/pinned.zip"] = blob
    good = KnownModel(
        name="pinned",
        language="ru",
        approx_size_mb=1,
        description="test",
        sha256=hashlib.sha256(blob).hexdigest(),
        size_bytes=len(blob),
    )
    bad_sha = good.model_copy(update={"sha256": "0" * 64})
    bad_size = good.model_copy(update={"sha256": None, "size_bytes": len(blob) + 1})
    with pytest.raises(ModelFetchError, match="sha256"):
        fetch_model(bad_sha, tmp_path, base)
    with pytest.raises(ModelFetchError, match=f"expected {len(blob) + 1}"):
        fetch_model(bad_size, tmp_path, base)
    assert leftovers(tmp_path) == []
    assert (fetch_model(good, tmp_path, base) / "am").is_dir()


def test_corrupt_archive_is_rejected(server: tuple[Files, str], tmp_path: Path) -> None:
    files, base = server
    blob = bytearray(model_zip())
    offset = blob.index(b"am/final.mdl") + len("am/final.mdl") + 10
    blob[offset] ^= 0xFF  # damage the compressed data of the first member
    files.blobs[f"/vosk/models/{NAME}.zip"] = bytes(blob)
    with pytest.raises(ModelFetchError, match=r"corrupt|not a valid zip"):
        fetch_model(find_model(NAME), tmp_path, base)
    files.blobs[f"/vosk/models/{NAME}.zip"] = b"<html>not a zip</html>"
    with pytest.raises(ModelFetchError, match="not a valid zip"):
        fetch_model(find_model(NAME), tmp_path, base)
    assert leftovers(tmp_path) == []


def test_truncated_download_is_rejected(server: tuple[Files, str], tmp_path: Path) -> None:
    files, base = server
    path = f"/vosk/models/{NAME}.zip"
    files.blobs[path] = model_zip()
    files.truncate.add(path)
    with pytest.raises(ModelFetchError, match=r"download|announced"):
        fetch_model(find_model(NAME), tmp_path, base)
    assert leftovers(tmp_path) == []


def test_unsafe_or_empty_archives(server: tuple[Files, str], tmp_path: Path) -> None:
    files, base = server
    files.blobs[f"/vosk/models/{NAME}.zip"] = model_zip(extra={"../evil.txt": b"x"})
    with pytest.raises(ModelFetchError, match="outside the model folder"):
        fetch_model(find_model(NAME), tmp_path / "m", base)
    assert not (tmp_path / "evil.txt").exists()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("readme.txt", b"hello")
    files.blobs[f"/vosk/models/{NAME}.zip"] = buf.getvalue()
    with pytest.raises(ModelFetchError, match="holds no Vosk model"):
        fetch_model(find_model(NAME), tmp_path / "m", base)
    assert leftovers(tmp_path / "m") == []


def test_http_errors_and_unknown_names(server: tuple[Files, str], tmp_path: Path) -> None:
    _files, base = server
    with pytest.raises(ModelFetchError, match="HTTP 404"):
        fetch_model(find_model(NAME), tmp_path, base)
    with pytest.raises(ModelFetchError, match=r"unknown model 'nope'.*vosk-model-small-ru-0\.22"):
        find_model("nope")
    with pytest.raises(ModelFetchError, match="failed"):
        fetch_model(find_model(NAME), tmp_path, "http://127.0.0.1:9/models", timeout_s=2)


def test_registry_names_are_unique_and_have_languages() -> None:
    names = [m.name for m in KNOWN_MODELS]
    assert len(names) == len(set(names))
    assert {"ru", "en-US"} <= {m.language for m in KNOWN_MODELS}


@pytest.mark.cli
def test_cli_fetch_and_list(
    server: tuple[Files, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import typer

    from bot_engine.cli import speech_commands

    app = typer.Typer()
    speech_commands.register(app)
    files, base = server
    files.blobs[f"/vosk/models/{NAME}.zip"] = model_zip()
    monkeypatch.setenv("VOICEBOT_MODELS_BASE_URL", base)
    monkeypatch.setenv("VOICEBOT_MODELS_DIR", str(tmp_path / "models"))
    runner = CliRunner()
    result = runner.invoke(app, ["models", "fetch", NAME])
    assert result.exit_code == 0, result.output
    assert f"installed {NAME}" in result.output
    assert (tmp_path / "models" / NAME / "am" / "final.mdl").is_file()
    listing = runner.invoke(app, ["models", "list"])
    assert listing.exit_code == 0
    offline, to_fetch = listing.output.split("Vosk models to fetch")
    assert "installed" in next(line for line in offline.splitlines() if "small-ru" in line)
    row = next(line for line in to_fetch.splitlines() if "small-ru" in line)
    assert "yes" in row
    missing = runner.invoke(app, ["models", "fetch", "no-such-model"])
    assert missing.exit_code == 1 and "unknown model" in missing.output
