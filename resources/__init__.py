"""Cercle resources: icons, styles and translations shipped with the app (data only)."""
