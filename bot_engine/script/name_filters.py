"""Template filters for names: `{{ name | inflect('ablt') }}` («соединяю с Евгенией
Чулковой») and `{{ name | gender }}` ("femn" or "masc", for «нужна» / «нужен»).

pymorphy3 loads lazily on the first use, so scripts that never decline a name never pay
for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _inflect(value: Any, case: str = "gent") -> str:
    from bot_engine.nlu.inflect import inflect_name

    if value is None:
        return ""
    return inflect_name(str(value), str(case))


def _gender(value: Any) -> str | None:
    from bot_engine.nlu.inflect import name_gender

    return name_gender(str(value)) if value is not None else None


def name_filters() -> dict[str, Callable[..., Any]]:
    return {"inflect": _inflect, "gender": _gender}
