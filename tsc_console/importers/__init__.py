"""Streaming readers for provider directory files."""
