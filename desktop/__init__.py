"""Cercle desktop: the Qt Widgets application (the only layer that imports Qt)."""
