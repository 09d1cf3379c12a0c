"""Registry pages, one module per concept: persons, households, documents."""
