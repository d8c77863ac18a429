"""The bundled fictional sample corpus (package data)."""
