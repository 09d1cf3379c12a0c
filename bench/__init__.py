"""Benchmarks: each runs on its own database (a temp SQLite file or a dedicated PostgreSQL database)."""
