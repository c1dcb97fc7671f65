"""Top-level views and screens of the main window."""
