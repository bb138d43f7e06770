"""Benchmark: plain ``folium.GeoJson`` against ninohe-geo's compact map, same data, one run.

Run ``uv run python -m bench --help`` from the repository root. See :mod:`bench.cli`.
"""
