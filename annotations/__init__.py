"""Sentence labels and span corrections: the scheme, the store, export and import.

This package never imports Textual or ``tui``.
"""
