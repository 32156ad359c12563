"""Moved to tests/user_kinds.py, the one vocabulary of user kinds for the whole suite: import it from there.

This name stays only while branches written before the move are merged.
"""

from tests.user_kinds import USER_KINDS, login_as, make_user

__all__ = ["USER_KINDS", "login_as", "make_user"]
