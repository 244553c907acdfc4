"""府 — the bureau side: what a registry, bank or regulator runs to receive its notices and answer
them. Depends on `contracts` only: a bureau can take this package alone."""
