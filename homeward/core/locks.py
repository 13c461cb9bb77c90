"""The lock that keeps two writers of a council's episodes from both passing the same check.

A rule across records ("a child's episodes never overlap") is checked by reading what is
recorded, then writing. Two writers that check at once both see neither's new record, and
both write. So every writer of episodes takes this lock, for its council, before it checks:

- a service that records or corrects one episode, or records an interview (checked against
  its episode's return), takes it shared (people recording at once do not wait for each
  other; they wait only on the child's or the episode's own row lock);
- a bundle import takes it exclusive, after reading its files and before checking them, so
  it waits for episodes being saved to commit, and its checks see them; a service waits for
  the import to commit, and its checks see what the import wrote.

Whichever writer comes second is then refused by the same checks, with the same sentence,
as if the first had written long before. On PostgreSQL the database also refuses such a
record by itself (the episode constraints), for a writer that skips this lock.

SQLite needs no lock of this kind: each transaction takes the whole database's write lock
as it begins (config/env.py), so writers are serialised and every check sees every commit.
"""

import contextlib
import contextvars

from django.db import connection

# A fixed first key, so that Homeward's advisory locks cannot collide with another program's
# sharing the database ("Home" in ASCII; the second key is the council's id).
EPISODE_WRITERS = 0x486F6D65

EXCLUSIVE = "SELECT pg_advisory_xact_lock(%s::integer, %s::integer)"
SHARED = "SELECT pg_advisory_xact_lock_shared(%s::integer, %s::integer)"

# Councils whose lock this transaction holds shared for a block of writes (`council_episodes_held`).
_held: contextvars.ContextVar[frozenset] = contextvars.ContextVar(
    "council_episodes_held", default=frozenset()
)

NOT_IN_A_TRANSACTION = (
    "lock_council_episodes() must be called inside a transaction: the lock is released "
    "when the transaction ends, so outside one it would be released at once."
)


def lock_council_episodes(council_id: int, *, exclusive: bool = False) -> None:
    """Wait for, then hold until this transaction ends, the council's episode-writers lock."""
    if not connection.in_atomic_block:
        raise RuntimeError(NOT_IN_A_TRANSACTION)
    if connection.vendor != "postgresql":
        return
    if not exclusive and int(council_id) in _held.get():
        return  # held shared already, since before any savepoint of this block
    with connection.cursor() as cursor:
        cursor.execute(EXCLUSIVE if exclusive else SHARED, [EPISODE_WRITERS, int(council_id)])


@contextlib.contextmanager
def council_episodes_held(council_id: int):
    """Take the council's lock shared once for a block of writes in one transaction (a lot of
    a file's rows, each in its own savepoint): taken before any of their savepoints, it is
    held until the transaction ends whichever of them is rolled back, so the writes inside
    need not each take it again."""
    lock_council_episodes(council_id)
    token = _held.set(_held.get() | {int(council_id)})
    try:
        yield
    finally:
        _held.reset(token)
