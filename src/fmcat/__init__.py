"""Failure Mode Catalog: records, checks, site views and exports for ML failure modes."""

__version__ = "0.1.0"
