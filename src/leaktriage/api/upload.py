"""Stream a request body to disk: raw (``application/octet-stream`` and the like) or
``multipart/form-data`` (a browser form), parsed as it arrives with python-multipart's push
parser, so neither form ever sits in memory or in a temporary file outside the workspace.

Small form fields (``csrf_token``, ``name``...) are collected up to 4 KiB each; the first file
part goes to the sink. A CSRF token, when required, must come before the file part (browsers
send fields in document order), so a forged upload is refused before any byte is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from leaktriage.api.cases import CaseManager, UploadSink
from leaktriage.errors import InputError

__all__ = ["ReceivedUpload", "receive_upload"]

_FIELD_MAX = 4096


@dataclass
class ReceivedUpload:
    """What a request carried: the finished upload (or None) and the small fields."""

    upload: UploadSink | None
    fields: dict[str, str] = field(default_factory=dict)


class _Forbidden(Exception):
    pass


async def receive_upload(
    request: Request,
    cases: CaseManager,
    *,
    raw_file_name: str | None = None,
    before_file: Callable[[dict[str, str]], bool] | None = None,
) -> ReceivedUpload:
    """Receive the body. ``before_file(fields)`` is asked when the file part starts; False
    refuses the request (raises :class:`PermissionError`) before anything is written."""
    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    if content_type != b"multipart/form-data":
        sink = cases.open_upload(raw_file_name or "upload")
        try:
            async for chunk in request.stream():
                sink.write(chunk)
            sink.finish()
        except BaseException:
            sink.abort()
            raise
        return ReceivedUpload(sink)

    boundary = params.get(b"boundary")
    if not boundary:
        raise InputError("multipart body without a boundary")
    received = ReceivedUpload(None)
    state: dict[str, object] = {"headers": {}, "name": None, "sink": None, "value": b""}
    header_field = bytearray()
    header_value = bytearray()

    def on_part_begin() -> None:
        state.update(headers={}, name=None, sink=None, value=b"")

    def on_header_field(data: bytes, start: int, end: int) -> None:
        header_field.extend(data[start:end])

    def on_header_value(data: bytes, start: int, end: int) -> None:
        header_value.extend(data[start:end])

    def on_header_end() -> None:
        headers = state["headers"]
        assert isinstance(headers, dict)
        headers[bytes(header_field).lower()] = bytes(header_value)
        header_field.clear()
        header_value.clear()

    def on_headers_finished() -> None:
        headers = state["headers"]
        assert isinstance(headers, dict)
        _, options = parse_options_header(headers.get(b"content-disposition", b""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        state["name"] = name
        if b"filename" in options and received.upload is None and state["sink"] is None:
            if before_file is not None and not before_file(received.fields):
                raise _Forbidden
            file_name = options[b"filename"].decode("utf-8", "replace")
            state["sink"] = cases.open_upload(file_name or "upload")

    def on_part_data(data: bytes, start: int, end: int) -> None:
        sink = state["sink"]
        if isinstance(sink, UploadSink):
            sink.write(data[start:end])
            return
        value = state["value"]
        assert isinstance(value, bytes)
        if len(value) + (end - start) > _FIELD_MAX:
            raise InputError(f"form field {state['name']!r} is too long")
        state["value"] = value + data[start:end]

    def on_part_end() -> None:
        sink = state["sink"]
        if isinstance(sink, UploadSink):
            sink.finish()
            received.upload = sink
            state["sink"] = None
            return
        value = state["value"]
        assert isinstance(value, bytes)
        name = state["name"]
        if isinstance(name, str) and name:
            received.fields[name] = value.decode("utf-8", "replace")

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": on_part_begin,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
        },
    )
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except _Forbidden:
        raise PermissionError("CSRF token missing or wrong") from None
    except BaseException:
        partial = state["sink"]
        if isinstance(partial, UploadSink):
            partial.abort()
        if received.upload is not None:
            received.upload.abort()
        raise
    return received
