"""What the demos run on: the shipped scripts' folder and the lead script's variables
(shared by the text demo and the live demo call)."""

from __future__ import annotations

from pathlib import Path

DIALOGS_DIR = Path(__file__).resolve().parents[2] / "dialogs"
DEMO_VARIABLES = {
    "ru": {"name": "Иван", "product": "кухню на заказ", "company": "Мебель Плюс",
           "min_budget": "100000"},
    "en": {"name": "John", "product": "a custom kitchen", "company": "Acme Furniture",
           "min_budget": "1000"},
}
