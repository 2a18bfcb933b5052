"""Listening: mention sources, sentiment and language detection, reputation index."""
