"""Certificate ids: random, unambiguous and easy to read aloud or type (Crockford base32)."""

import secrets

#: Crockford's alphabet: no I, L, O or U, so nothing can be misread.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_BITS = 60


def new_public_id(level: int) -> str:
    """For example DN1-7K3M-9QXP-2HVB: the level, then 60 random bits in groups of four."""
    value = secrets.randbits(RANDOM_BITS)
    chars = "".join(ALPHABET[(value >> shift) & 31] for shift in range(55, -5, -5))
    return f"DN{level}-{chars[0:4]}-{chars[4:8]}-{chars[8:12]}"


def normalise(text: str) -> str:
    """Accept what people type: lower case, spaces, and O/I/L for 0/1/1."""
    cleaned = text.strip().upper().replace(" ", "")
    prefix, _, rest = cleaned.partition("-")
    return prefix + (
        "-" + rest.translate(str.maketrans({"O": "0", "I": "1", "L": "1"})) if rest else ""
    )
