"""The gateway's own MongoDB database (``zjtx_gateway``): credentials, sign-in attempts,
revoked tokens and the tamper-evident audit trail of the gateway's own writes (zjtx.audit).

Identities live in the services (enterprise ids in registration, reviewer and admin
accounts in review); the gateway keeps only what proves them: password hashes.
Plain pymongo from request threads (the gateway is not eventlet-patched).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from pymongo import ASCENDING, IndexModel, MongoClient, ReturnDocument
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from gateway.rules.lockout import Attempts
from gateway.rules.passwords import HISTORY, previous_hashes
from zjtx import audit as audit_trail

INDEXES: dict[str, list[IndexModel]] = {
    "credentials": [IndexModel([("login", ASCENDING)], unique=True, name="login_unique"),
                    IndexModel([("subject", ASCENDING)], name="subject")],
    "revoked_tokens": [IndexModel([("expires_at", ASCENDING)], expireAfterSeconds=0, name="expiry_ttl")],
    "session_activity": [IndexModel([("expires_at", ASCENDING)], expireAfterSeconds=0, name="expiry_ttl")],
    "signin_challenges": [IndexModel([("expires_at", ASCENDING)], expireAfterSeconds=0, name="expiry_ttl")],
    "reset_codes": [IndexModel([("purge_at", ASCENDING)], expireAfterSeconds=0, name="purge_ttl")],
    "reset_addresses": [IndexModel([("purge_at", ASCENDING)], expireAfterSeconds=0, name="purge_ttl")],
    "audit": [IndexModel([("at", ASCENDING)], name="at"), IndexModel([("subject", ASCENDING), ("at", ASCENDING)],
                                                                       name="subject_at")],
}


def utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, timezone.utc)


class GatewayStore:
    def __init__(self, client: MongoClient, database: str) -> None:
        self.client = client
        self.db: Database = client[database]

    def ensure_indexes(self) -> None:
        for collection, models in INDEXES.items():
            self.db[collection].create_indexes(models)

    # ---- credentials --------------------------------------------------------------

    def reserve_credential(self, document: dict[str, Any]) -> bool:
        """Insert a pending credential; False when the login is taken."""
        try:
            self.db.credentials.insert_one({**document, "state": "pending"})
        except DuplicateKeyError:
            return False
        return True

    def activate_credential(self, credential_id: str, subject: str, fields: dict[str, Any]) -> None:
        self.db.credentials.update_one({"_id": credential_id, "state": "pending"},
                                       {"$set": {"state": "active", "subject": subject, **fields}})

    def drop_pending(self, credential_id: str) -> None:
        self.db.credentials.delete_one({"_id": credential_id, "state": "pending"})

    def credential_by_login(self, login: str) -> dict[str, Any] | None:
        return self.db.credentials.find_one({"login": login})

    def credential_by_subject(self, subject: str) -> dict[str, Any] | None:
        return self.db.credentials.find_one({"subject": subject, "state": "active"})

    def administrator_roles_of(self, person: str) -> set[str]:
        """The administrator roles (admin, security_admin, audit_admin) the person (e-mail) holds already."""
        found = self.db.credentials.find({"person": person, "state": {"$in": ["active", "pending"]}}, {"role": 1})
        return {str(c["role"]) for c in found}

    def credential_by_id(self, credential_id: str) -> dict[str, Any] | None:
        return self.db.credentials.find_one({"_id": credential_id})

    def credential_of_account(self, subject: str) -> dict[str, Any] | None:
        """A staff or enterprise credential by its account id, whatever its state."""
        return self.db.credentials.find_one({"subject": subject, "state": {"$in": ["active", "disabled"]}})

    def set_state(self, credential_id: str, state: str, at: datetime, by: str, reason: str) -> None:
        """Disable or enable a credential; a disabled one signs in nowhere and its tokens stop at once
        (``credential_by_subject`` finds only active credentials)."""
        self.db.credentials.update_one({"_id": credential_id}, {"$set": {
            "state": state, "state_changed_at": at, "state_changed_by": by, "state_reason": reason}})

    def set_password(self, credential_id: str, password_hash: str, at: datetime, *, must_change: bool,
                     new_generation: bool = False) -> None:
        # the replaced hash joins the history a new password must not repeat (rules/passwords.HISTORY)
        current = self.db.credentials.find_one({"_id": credential_id}, {"password_hash": 1, "password_history": 1})
        history = previous_hashes(current)[:HISTORY - 1]
        update: dict[str, Any] = {"$set": {"password_hash": password_hash, "password_changed_at": at,
                                           "must_change_password": must_change, "password_history": history}}
        if new_generation:
            update["$inc"] = {"generation": 1}
        self.db.credentials.update_one({"_id": credential_id}, update)

    def touch_sign_in(self, credential_id: str, at: datetime) -> None:
        self.db.credentials.update_one({"_id": credential_id}, {"$set": {"last_sign_in_at": at}})

    # ---- sign-in attempts ---------------------------------------------------------

    def attempts(self, login: str) -> Attempts:
        document = self.db.signin_attempts.find_one({"_id": login})
        if not document:
            return Attempts()
        return Attempts(failures=document["failures"], last_failure_at=document["last_failure_at"],
                        next_allowed_at=document["next_allowed_at"], locked_until=document["locked_until"])

    def save_attempts(self, login: str, state: Attempts) -> None:
        self.db.signin_attempts.find_one_and_update(
            {"_id": login},
            {"$set": {"failures": state.failures, "last_failure_at": state.last_failure_at,
                      "next_allowed_at": state.next_allowed_at, "locked_until": state.locked_until}},
            upsert=True, return_document=ReturnDocument.AFTER)

    def clear_attempts(self, login: str) -> None:
        self.db.signin_attempts.delete_one({"_id": login})

    # ---- tokens -------------------------------------------------------------------

    def revoke(self, jti: str, subject: str, expires_at: int, at: datetime) -> None:
        self.db.revoked_tokens.update_one(
            {"_id": jti}, {"$setOnInsert": {"subject": subject, "revoked_at": at, "expires_at": utc(expires_at)}},
            upsert=True)

    def is_revoked(self, jti: str) -> bool:
        return self.db.revoked_tokens.count_documents({"_id": jti}, limit=1) > 0

    # ---- idle timeout: a token's last use (gateway/auth.py) ------------------------------

    def last_active(self, jti: str) -> float:
        found = self.db.session_activity.find_one({"_id": jti}, {"seen": 1})
        return float(found["seen"]) if found else 0.0

    def note_active(self, jti: str, seen: float, expires_at: int) -> None:
        self.db.session_activity.update_one({"_id": jti}, {"$max": {"seen": seen},
                                                           "$setOnInsert": {"expires_at": utc(expires_at)}},
                                            upsert=True)

    # ---- second factor: the short-lived challenge between password and code -------------

    def new_challenge(self, document: dict[str, Any]) -> None:
        self.db.signin_challenges.insert_one(document)

    def challenge(self, challenge_id: str) -> dict[str, Any] | None:
        return self.db.signin_challenges.find_one({"_id": challenge_id})

    def give_enrolment_secret(self, challenge_id: str, secret: str) -> bool:
        """Attach the new TOTP secret to an enrolment challenge, once: False when it already has one."""
        done = self.db.signin_challenges.update_one(
            {"_id": challenge_id, "mode": "enrol", "secret": {"$exists": False}}, {"$set": {"secret": secret}})
        return done.modified_count == 1

    def count_challenge_attempt(self, challenge_id: str) -> int:
        found = self.db.signin_challenges.find_one_and_update({"_id": challenge_id}, {"$inc": {"attempts": 1}},
                                                              return_document=ReturnDocument.AFTER)
        return int(found["attempts"]) if found else 0

    def use_challenge(self, challenge_id: str) -> bool:
        """Consume the challenge: True only for the one caller that removed it."""
        return self.db.signin_challenges.delete_one({"_id": challenge_id}).deleted_count == 1

    def set_second_factor(self, credential_id: str, secret: str, at: datetime) -> None:
        self.db.credentials.update_one({"_id": credential_id},
                                       {"$set": {"totp_secret": secret, "totp_enrolled_at": at}})

    # ---- password reset codes (gateway/rules/reset.py) ---------------------------------

    def reset_state(self, login: str) -> dict[str, Any]:
        return self.db.reset_codes.find_one({"_id": login}) or {"_id": login, "sent_at": []}

    def save_reset_code(self, login: str, code_digest: str, expires_at: float, sent_at: list[float],
                        request_id: str) -> None:
        self.db.reset_codes.update_one({"_id": login}, {"$set": {
            "digest": code_digest, "expires_at": expires_at, "attempts": 0, "used": False, "sent_at": sent_at,
            "request_id": request_id, "purge_at": utc(max(sent_at) + 3600)}}, upsert=True)

    def count_reset_attempt(self, login: str) -> None:
        self.db.reset_codes.update_one({"_id": login}, {"$inc": {"attempts": 1}})

    def use_reset_code(self, login: str, code_digest: str) -> bool:
        """Spend the code: True for the one request that does (a replay finds it used)."""
        return self.db.reset_codes.update_one({"_id": login, "digest": code_digest, "used": False},
                                              {"$set": {"used": True}}).modified_count == 1

    def note_reset_request(self, address: str, now: float) -> list[float]:
        """Record one request from ``address``; the times of its requests in the last window."""
        document = self.db.reset_addresses.find_one_and_update(
            {"_id": address or "-"}, {"$push": {"at": {"$each": [now], "$slice": -50}},
                                      "$set": {"purge_at": utc(now + 3600)}},
            upsert=True, return_document=ReturnDocument.AFTER)
        return list(document.get("at", []))[:-1]

    # ---- audit --------------------------------------------------------------------

    def audit(self, entry: audit_trail.Entry) -> dict[str, Any]:
        """Append to the gateway's hash-chained trail (zjtx.audit; chain ``gateway``, collection ``audit``)."""
        return audit_trail.trail(self.db, "gateway").append(entry)

    def audit_records(self, query: dict[str, Any], limit: int) -> list[dict[str, Any]]:
        """Newest first (by the chain's sequence). The audit view's one read (gateway/audit_view.py builds ``query``)."""
        return list(self.db.audit.find(query).sort("_id", -1).limit(limit))
