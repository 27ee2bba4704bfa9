"""The package version (one place, importable from every layer)."""

__version__ = "0.7.0"
