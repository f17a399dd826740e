"""Entity extraction: numbers, money, dates/times, phones and names (ru, en)."""

from bot_engine.nlu.entities.extract import extract_entities
from bot_engine.nlu.entities.model import Entity, EntityType

__all__ = ["Entity", "EntityType", "extract_entities"]
