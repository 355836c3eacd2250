"""Exports: JSON lines, CSV and GeoJSON of incidents, in the shared vocabulary."""

from armtrace.exports.writers import FORMATS, write_export

__all__ = ["FORMATS", "write_export"]
