"""Articles in, analyses out: reading news files and finding entities, figures and dates.

This package never imports Textual, ``annotations`` or ``tui``.
"""
