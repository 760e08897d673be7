"""The engine's version, stored with every result. See advisor/README.md for when to bump it."""

ENGINE_VERSION = "1.2.0"
