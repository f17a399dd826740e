"""The TTS cache with real espeak-ng: hits, single-flight rendering, LRU eviction."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from asr_tts.errors import TextInputError, UnknownEngineError
from asr_tts.tts.base import TtsOptions
from asr_tts.tts.espeak import EspeakSynthesizer
from asr_tts.tts_cache import PromptSpec, TtsCache


class CountingEspeak(EspeakSynthesizer):
    """Real espeak-ng that counts how often it was asked to synthesize."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    async def synthesize(
        self, text: str, voice: str | None, sample_rate: int, options: TtsOptions | None = None
    ) -> AsyncIterator[bytes]:
        self.calls.append(text)
        async for chunk in super().synthesize(text, voice, sample_rate, options):
            yield chunk


def spec(text: str, **kwargs: object) -> PromptSpec:
    fields: dict = {"engine": "espeak", "voice": "ru", "sample_rate": 8000, "text": text, **kwargs}
    return PromptSpec(**fields)


@pytest.fixture
def engine() -> CountingEspeak:
    return CountingEspeak()


def test_key_covers_every_field() -> None:
    base = spec("Привет")
    variants = [
        spec("Привет!"),
        spec("Привет", voice="en-us"),
        spec("Привет", sample_rate=16000),
        spec("Привет", engine="yandex"),
        spec("Привет", options=TtsOptions(speed=1.1)),
    ]
    keys = {base.key, *(v.key for v in variants)}
    assert len(keys) == 6
    assert spec("Привет").key == base.key


async def test_hit_returns_pcm_without_the_engine(tmp_path: Path, engine: CountingEspeak) -> None:
    cache = TtsCache(tmp_path, 10_000_000, {"espeak": engine})
    prompt = spec("Здравствуйте, это компания Ромашка.")
    assert cache.get(prompt) is None
    rendered = await cache.get_or_render(prompt)
    assert len(rendered) > 8000 and engine.calls == [prompt.text]

    again = await cache.get_or_render(prompt)
    assert again == rendered and engine.calls == [prompt.text]
    # a new process (new cache object) finds it on disk, with no engine at all
    fresh = TtsCache(tmp_path, 10_000_000)
    assert fresh.get(prompt) == rendered
    assert await fresh.get_or_render(prompt) == rendered


async def test_concurrent_requests_share_one_synthesis(
    tmp_path: Path, engine: CountingEspeak
) -> None:
    cache = TtsCache(tmp_path, 10_000_000, {"espeak": engine})
    prompt = spec("Одну минуту, соединяю с оператором.")
    results = await asyncio.gather(*(cache.get_or_render(prompt) for _ in range(5)))
    assert engine.calls == [prompt.text]
    assert len(set(results)) == 1 and results[0]
    assert cache.renders == 1


async def test_concurrent_failure_reaches_every_waiter(tmp_path: Path) -> None:
    cache = TtsCache(tmp_path, 10_000_000, {"espeak": EspeakSynthesizer()})
    prompt = spec("!!!")
    outcomes = await asyncio.gather(
        *(cache.get_or_render(prompt) for _ in range(3)), return_exceptions=True
    )
    assert all(isinstance(o, TextInputError) for o in outcomes)
    assert len(cache) == 0


async def test_lru_eviction_keeps_recent_prompts(tmp_path: Path, engine: CountingEspeak) -> None:
    first, second, third = (spec(f"Фраза номер {n}, довольно короткая.") for n in range(3))
    sizes = [len(await engine.render(p.text, p.voice, p.sample_rate)) for p in (first, second)]
    engine.calls.clear()
    cache = TtsCache(tmp_path, int(sum(sizes) * 1.4), {"espeak": engine})
    await cache.get_or_render(first)
    await cache.get_or_render(second)
    assert cache.get(first) is not None  # first is now the most recent
    await cache.get_or_render(third)  # over budget: the least recent (second) goes
    assert first in cache and third in cache and second not in cache
    assert not cache.path_for(second.key).exists()
    assert cache.total_bytes <= cache.max_bytes
    assert engine.calls == [first.text, second.text, third.text]
    # recency survives a restart: the index is rebuilt from file times
    reopened = TtsCache(tmp_path, cache.max_bytes)
    assert len(reopened) == 2 and reopened.total_bytes == cache.total_bytes


async def test_prerender_reports_rendered_cached_and_failed(
    tmp_path: Path, engine: CountingEspeak
) -> None:
    cache = TtsCache(tmp_path, 10_000_000, {"espeak": engine})
    prompts = [spec("Добрый день!"), spec("Удобно говорить?"), spec("Добрый день!"), spec("…")]
    report = await cache.prerender(prompts)
    assert report.rendered == 2 and report.already_cached == 0
    assert [text for text, _ in report.failed] == ["…"]
    again = await cache.prerender(prompts[:2])
    assert again.rendered == 0 and again.already_cached == 2
    assert sorted(engine.calls) == sorted(["Добрый день!", "Удобно говорить?", "…"])
    engine.calls.clear()
    for prompt in prompts[:2]:
        assert await cache.get_or_render(prompt)
    assert engine.calls == []


async def test_unknown_engine_is_a_clear_error(tmp_path: Path) -> None:
    cache = TtsCache(tmp_path, 1000, {"espeak": EspeakSynthesizer()})
    with pytest.raises(UnknownEngineError, match="yandex"):
        await cache.get_or_render(spec("Привет", engine="yandex"))


async def test_entries_written_by_another_process_are_found(
    tmp_path: Path, engine: CountingEspeak
) -> None:
    a = TtsCache(tmp_path, 10_000_000, {"espeak": engine})
    b = TtsCache(tmp_path, 10_000_000, {"espeak": engine})
    prompt = spec("Общая папка кэша.")
    pcm = await a.get_or_render(prompt)
    assert await b.get_or_render(prompt) == pcm
    assert engine.calls == [prompt.text]
