"""The text rules: each pattern and word list defined once, as data plus compiled patterns."""
