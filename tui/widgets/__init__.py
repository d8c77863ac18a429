"""The app's widgets, one per module, with the drawing helpers that need no widget
beside them (``text_layout.py``, ``article_marks.py``, ``article_colors.py``)."""
