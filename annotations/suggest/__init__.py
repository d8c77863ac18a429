"""Claim suggestions: a check-worthiness score and a suggested label for every sentence.

``features`` turns a sentence (text + analysis spans) into cues and terms, ``prior``
scores it from the project's own rules with no labels, ``model`` learns from the
store's labels (scikit-learn logistic regression, kept as plain JSON beside the
store), ``ranking`` scores whole articles and picks the most useful sentence next,
and ``pipeline`` packages a trained model as a spaCy component.
"""
