"""Matrix event types and algorithm names used across modules (no imports: cheap to load)."""

SPACE_CHILD = "m.space.child"
SPACE_PARENT = "m.space.parent"
MEGOLM = "m.megolm.v1.aes-sha2"
