"""The gateway's plain rules: tokens, passwords, lockout, input validation, access, errors.

No nameko, no pymongo, no gRPC here: every rule is unit-testable on its own.
"""
