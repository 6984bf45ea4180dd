from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ListInboxRequest(_message.Message):
    __slots__ = ("recipient", "unread_only", "limit")
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    UNREAD_ONLY_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    recipient: str
    unread_only: bool
    limit: int
    def __init__(self, recipient: _Optional[str] = ..., unread_only: _Optional[bool] = ..., limit: _Optional[int] = ...) -> None: ...

class InboxMessage(_message.Message):
    __slots__ = ("id", "recipient", "event_type", "subject", "title", "body", "created_at", "read")
    ID_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    EVENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    READ_FIELD_NUMBER: _ClassVar[int]
    id: str
    recipient: str
    event_type: str
    subject: str
    title: str
    body: str
    created_at: str
    read: bool
    def __init__(self, id: _Optional[str] = ..., recipient: _Optional[str] = ..., event_type: _Optional[str] = ..., subject: _Optional[str] = ..., title: _Optional[str] = ..., body: _Optional[str] = ..., created_at: _Optional[str] = ..., read: _Optional[bool] = ...) -> None: ...

class ListInboxResponse(_message.Message):
    __slots__ = ("messages", "unread")
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    UNREAD_FIELD_NUMBER: _ClassVar[int]
    messages: _containers.RepeatedCompositeFieldContainer[InboxMessage]
    unread: int
    def __init__(self, messages: _Optional[_Iterable[_Union[InboxMessage, _Mapping]]] = ..., unread: _Optional[int] = ...) -> None: ...

class DeliveryOutcome(_message.Message):
    __slots__ = ("delivery_id", "recipient", "channel", "event_id", "event_type", "attempts", "error", "at")
    DELIVERY_ID_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    delivery_id: str
    recipient: str
    channel: str
    event_id: str
    event_type: str
    attempts: int
    error: str
    at: str
    def __init__(self, delivery_id: _Optional[str] = ..., recipient: _Optional[str] = ..., channel: _Optional[str] = ..., event_id: _Optional[str] = ..., event_type: _Optional[str] = ..., attempts: _Optional[int] = ..., error: _Optional[str] = ..., at: _Optional[str] = ...) -> None: ...
