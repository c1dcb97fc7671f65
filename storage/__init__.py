"""Cercle storage: the encrypted local cache (SQLCipher) and its key policy, Qt-free and nio-free."""
