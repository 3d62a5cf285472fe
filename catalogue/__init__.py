"""The catalogue: the unified record model, the store, settings and the access policy."""

from catalogue.record import DigitalObject, Holding, Record, normalise_text

__all__ = ["DigitalObject", "Holding", "Record", "normalise_text"]
