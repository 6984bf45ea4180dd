from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Contact(_message.Message):
    __slots__ = ("person", "mobile", "email")
    PERSON_FIELD_NUMBER: _ClassVar[int]
    MOBILE_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    person: str
    mobile: str
    email: str
    def __init__(self, person: _Optional[str] = ..., mobile: _Optional[str] = ..., email: _Optional[str] = ...) -> None: ...

class Enterprise(_message.Message):
    __slots__ = ("id", "uscc", "name", "region_code", "region_name", "industry", "park_id", "contact", "version", "registered_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    USCC_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REGION_CODE_FIELD_NUMBER: _ClassVar[int]
    REGION_NAME_FIELD_NUMBER: _ClassVar[int]
    INDUSTRY_FIELD_NUMBER: _ClassVar[int]
    PARK_ID_FIELD_NUMBER: _ClassVar[int]
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    REGISTERED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    uscc: str
    name: str
    region_code: str
    region_name: str
    industry: str
    park_id: str
    contact: Contact
    version: int
    registered_at: str
    def __init__(self, id: _Optional[str] = ..., uscc: _Optional[str] = ..., name: _Optional[str] = ..., region_code: _Optional[str] = ..., region_name: _Optional[str] = ..., industry: _Optional[str] = ..., park_id: _Optional[str] = ..., contact: _Optional[_Union[Contact, _Mapping]] = ..., version: _Optional[int] = ..., registered_at: _Optional[str] = ...) -> None: ...

class RegisterEnterpriseRequest(_message.Message):
    __slots__ = ("uscc", "name", "region_code", "industry", "park_id", "contact")
    USCC_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REGION_CODE_FIELD_NUMBER: _ClassVar[int]
    INDUSTRY_FIELD_NUMBER: _ClassVar[int]
    PARK_ID_FIELD_NUMBER: _ClassVar[int]
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    uscc: str
    name: str
    region_code: str
    industry: str
    park_id: str
    contact: Contact
    def __init__(self, uscc: _Optional[str] = ..., name: _Optional[str] = ..., region_code: _Optional[str] = ..., industry: _Optional[str] = ..., park_id: _Optional[str] = ..., contact: _Optional[_Union[Contact, _Mapping]] = ...) -> None: ...

class GetEnterpriseRequest(_message.Message):
    __slots__ = ("enterprise_id",)
    ENTERPRISE_ID_FIELD_NUMBER: _ClassVar[int]
    enterprise_id: str
    def __init__(self, enterprise_id: _Optional[str] = ...) -> None: ...

class EnterpriseRegistered(_message.Message):
    __slots__ = ("enterprise_id", "uscc", "name", "region_code", "industry", "park_id", "contact")
    ENTERPRISE_ID_FIELD_NUMBER: _ClassVar[int]
    USCC_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REGION_CODE_FIELD_NUMBER: _ClassVar[int]
    INDUSTRY_FIELD_NUMBER: _ClassVar[int]
    PARK_ID_FIELD_NUMBER: _ClassVar[int]
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    enterprise_id: str
    uscc: str
    name: str
    region_code: str
    industry: str
    park_id: str
    contact: Contact
    def __init__(self, enterprise_id: _Optional[str] = ..., uscc: _Optional[str] = ..., name: _Optional[str] = ..., region_code: _Optional[str] = ..., industry: _Optional[str] = ..., park_id: _Optional[str] = ..., contact: _Optional[_Union[Contact, _Mapping]] = ...) -> None: ...

class EnterpriseProfileChanged(_message.Message):
    __slots__ = ("enterprise_id", "version", "name", "region_code", "industry", "park_id", "contact", "changed_at")
    ENTERPRISE_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REGION_CODE_FIELD_NUMBER: _ClassVar[int]
    INDUSTRY_FIELD_NUMBER: _ClassVar[int]
    PARK_ID_FIELD_NUMBER: _ClassVar[int]
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    CHANGED_AT_FIELD_NUMBER: _ClassVar[int]
    enterprise_id: str
    version: int
    name: str
    region_code: str
    industry: str
    park_id: str
    contact: Contact
    changed_at: str
    def __init__(self, enterprise_id: _Optional[str] = ..., version: _Optional[int] = ..., name: _Optional[str] = ..., region_code: _Optional[str] = ..., industry: _Optional[str] = ..., park_id: _Optional[str] = ..., contact: _Optional[_Union[Contact, _Mapping]] = ..., changed_at: _Optional[str] = ...) -> None: ...

class EnterpriseSnapshot(_message.Message):
    __slots__ = ("enterprise_id", "uscc", "name", "region_code", "region_name", "industry", "park_id", "contact", "profile_version")
    ENTERPRISE_ID_FIELD_NUMBER: _ClassVar[int]
    USCC_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REGION_CODE_FIELD_NUMBER: _ClassVar[int]
    REGION_NAME_FIELD_NUMBER: _ClassVar[int]
    INDUSTRY_FIELD_NUMBER: _ClassVar[int]
    PARK_ID_FIELD_NUMBER: _ClassVar[int]
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    PROFILE_VERSION_FIELD_NUMBER: _ClassVar[int]
    enterprise_id: str
    uscc: str
    name: str
    region_code: str
    region_name: str
    industry: str
    park_id: str
    contact: Contact
    profile_version: int
    def __init__(self, enterprise_id: _Optional[str] = ..., uscc: _Optional[str] = ..., name: _Optional[str] = ..., region_code: _Optional[str] = ..., region_name: _Optional[str] = ..., industry: _Optional[str] = ..., park_id: _Optional[str] = ..., contact: _Optional[_Union[Contact, _Mapping]] = ..., profile_version: _Optional[int] = ...) -> None: ...

class AttachmentRef(_message.Message):
    __slots__ = ("attachment_id", "kind", "filename", "media_type", "size", "sha256")
    ATTACHMENT_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    MEDIA_TYPE_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    attachment_id: str
    kind: str
    filename: str
    media_type: str
    size: int
    sha256: str
    def __init__(self, attachment_id: _Optional[str] = ..., kind: _Optional[str] = ..., filename: _Optional[str] = ..., media_type: _Optional[str] = ..., size: _Optional[int] = ..., sha256: _Optional[str] = ...) -> None: ...

class PledgeSignature(_message.Message):
    __slots__ = ("signer_name", "signer_title", "signed_at", "text_sha256")
    SIGNER_NAME_FIELD_NUMBER: _ClassVar[int]
    SIGNER_TITLE_FIELD_NUMBER: _ClassVar[int]
    SIGNED_AT_FIELD_NUMBER: _ClassVar[int]
    TEXT_SHA256_FIELD_NUMBER: _ClassVar[int]
    signer_name: str
    signer_title: str
    signed_at: str
    text_sha256: str
    def __init__(self, signer_name: _Optional[str] = ..., signer_title: _Optional[str] = ..., signed_at: _Optional[str] = ..., text_sha256: _Optional[str] = ...) -> None: ...

class ApplicationSnapshot(_message.Message):
    __slots__ = ("application_id", "programme_id", "programme_version", "enterprise", "snapshot_version", "content_hash", "submitted_at", "sections", "attachments", "pledge", "focus_category")
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_VERSION_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISE_FIELD_NUMBER: _ClassVar[int]
    SNAPSHOT_VERSION_FIELD_NUMBER: _ClassVar[int]
    CONTENT_HASH_FIELD_NUMBER: _ClassVar[int]
    SUBMITTED_AT_FIELD_NUMBER: _ClassVar[int]
    SECTIONS_FIELD_NUMBER: _ClassVar[int]
    ATTACHMENTS_FIELD_NUMBER: _ClassVar[int]
    PLEDGE_FIELD_NUMBER: _ClassVar[int]
    FOCUS_CATEGORY_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    programme_id: str
    programme_version: int
    enterprise: EnterpriseSnapshot
    snapshot_version: int
    content_hash: str
    submitted_at: str
    sections: _struct_pb2.Struct
    attachments: _containers.RepeatedCompositeFieldContainer[AttachmentRef]
    pledge: PledgeSignature
    focus_category: str
    def __init__(self, application_id: _Optional[str] = ..., programme_id: _Optional[str] = ..., programme_version: _Optional[int] = ..., enterprise: _Optional[_Union[EnterpriseSnapshot, _Mapping]] = ..., snapshot_version: _Optional[int] = ..., content_hash: _Optional[str] = ..., submitted_at: _Optional[str] = ..., sections: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., attachments: _Optional[_Iterable[_Union[AttachmentRef, _Mapping]]] = ..., pledge: _Optional[_Union[PledgeSignature, _Mapping]] = ..., focus_category: _Optional[str] = ...) -> None: ...

class ApplicationSubmitted(_message.Message):
    __slots__ = ("application",)
    APPLICATION_FIELD_NUMBER: _ClassVar[int]
    application: ApplicationSnapshot
    def __init__(self, application: _Optional[_Union[ApplicationSnapshot, _Mapping]] = ...) -> None: ...

class ApplicationResubmitted(_message.Message):
    __slots__ = ("application", "round", "returned_task_id")
    APPLICATION_FIELD_NUMBER: _ClassVar[int]
    ROUND_FIELD_NUMBER: _ClassVar[int]
    RETURNED_TASK_ID_FIELD_NUMBER: _ClassVar[int]
    application: ApplicationSnapshot
    round: int
    returned_task_id: str
    def __init__(self, application: _Optional[_Union[ApplicationSnapshot, _Mapping]] = ..., round: _Optional[int] = ..., returned_task_id: _Optional[str] = ...) -> None: ...

class ApplicationWithdrawn(_message.Message):
    __slots__ = ("application_id", "programme_id", "enterprise_id", "reason", "withdrawn_at", "withdrawn_by")
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISE_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    WITHDRAWN_AT_FIELD_NUMBER: _ClassVar[int]
    WITHDRAWN_BY_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    programme_id: str
    enterprise_id: str
    reason: str
    withdrawn_at: str
    withdrawn_by: str
    def __init__(self, application_id: _Optional[str] = ..., programme_id: _Optional[str] = ..., enterprise_id: _Optional[str] = ..., reason: _Optional[str] = ..., withdrawn_at: _Optional[str] = ..., withdrawn_by: _Optional[str] = ...) -> None: ...
