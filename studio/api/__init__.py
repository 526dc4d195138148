"""The ElevenLabs HTTP client: httpx + pydantic, no Qt.

Import the names from here; the modules behind them each do one job:
``models`` (response types), ``requests`` (validated request types), ``formats``,
``errors`` + ``error_mapping``, ``retry``, ``ndjson`` + ``streaming``, ``pages``,
``auth`` (key and address), ``client``, ``history_calls`` (history and shared-library calls,
mixed into the client), ``downloads`` (streamed downloads) and ``shared_voices``.
"""

from studio.api.auth import (
    DEFAULT_BASE_URL,
    delete_api_key,
    keyring_available,
    load_api_key,
    resolve_base_url,
    save_api_key,
)
from studio.api.client import ElevenLabsClient, RequestCancelledError
from studio.api.errors import (
    ApiError,
    AuthenticationError,
    DownloadInterruptedError,
    HistoryItemNotFoundError,
    InvalidRequestError,
    MalformedResponseError,
    MissingApiKeyError,
    NetworkError,
    PermissionDeniedError,
    QuotaExceededError,
    RateLimitError,
    ServerError,
    SharedVoiceUnavailableError,
    StreamInterruptedError,
    ValidationError,
    VoiceNotFoundError,
)
from studio.api.downloads import DownloadStream
from studio.api.history_calls import HistoryDownloadRequest
from studio.api.formats import OUTPUT_FORMATS_CONVERT, OUTPUT_FORMATS_STREAM, OutputFormat, parse_output_format
from studio.api.models import (
    CharacterAlignment,
    DialogueLine,
    HistoryAlignments,
    HistoryItem,
    HistoryPage,
    Model,
    SpeechChunk,
    Subscription,
    Voice,
    VoiceSettings,
    VoicesPage,
)
from studio.api.pages import VoicePage, iter_all_voices
from studio.api.requests import HistoryQuery, PronunciationDictionaryLocator, TextToSpeechRequest, VoiceSearch
from studio.api.retry import RetryPolicy
from studio.api.shared_voices import AddedVoice, LibraryVoice, SharedVoicePage, SharedVoiceQuery
from studio.api.streaming import ResponseInfo, SpeechResult, SpeechStream

__all__ = [
    "AddedVoice",
    "ApiError",
    "AuthenticationError",
    "CharacterAlignment",
    "DEFAULT_BASE_URL",
    "DialogueLine",
    "DownloadInterruptedError",
    "DownloadStream",
    "ElevenLabsClient",
    "HistoryAlignments",
    "HistoryDownloadRequest",
    "HistoryItem",
    "HistoryItemNotFoundError",
    "HistoryPage",
    "HistoryQuery",
    "InvalidRequestError",
    "LibraryVoice",
    "MalformedResponseError",
    "MissingApiKeyError",
    "Model",
    "NetworkError",
    "OUTPUT_FORMATS_CONVERT",
    "OUTPUT_FORMATS_STREAM",
    "OutputFormat",
    "PermissionDeniedError",
    "PronunciationDictionaryLocator",
    "QuotaExceededError",
    "RateLimitError",
    "RequestCancelledError",
    "ResponseInfo",
    "RetryPolicy",
    "ServerError",
    "SharedVoicePage",
    "SharedVoiceQuery",
    "SharedVoiceUnavailableError",
    "SpeechChunk",
    "SpeechResult",
    "SpeechStream",
    "StreamInterruptedError",
    "Subscription",
    "TextToSpeechRequest",
    "ValidationError",
    "Voice",
    "VoiceNotFoundError",
    "VoicePage",
    "VoiceSearch",
    "VoiceSettings",
    "VoicesPage",
    "delete_api_key",
    "iter_all_voices",
    "keyring_available",
    "load_api_key",
    "parse_output_format",
    "resolve_base_url",
    "save_api_key",
]
