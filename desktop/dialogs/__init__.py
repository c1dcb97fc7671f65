"""Dialogs: short, modal questions to the user."""
