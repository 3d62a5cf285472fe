"""Deterministic demo data: sample catalogues of three Hanoi libraries (see `generator`)."""

from harvesters.demo.generator import DemoCatalogue, DemoLibrary, SampleRecord, generate

__all__ = ["DemoCatalogue", "DemoLibrary", "SampleRecord", "generate"]
