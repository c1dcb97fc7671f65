"""Trust with other clients: signed JSON, cross-signing, recovery keys, secret storage, backup."""
