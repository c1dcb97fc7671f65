"""Cercle protocol: Matrix sessions, sync, encryption and communities over matrix-nio, Qt-free."""
