"""motcua: one-stop case management for Hanoi's Public Administrative Service Center."""
