"""One JSON error shape for every failure: {"error": {"status", "code", "message", "details"}}."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

from kcrm.core.errors import KcrmError, RateLimited

log = logging.getLogger("kcrm.api")

_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
}


def error_response(
    status: int, message: str, *, code: str | None = None, details: list[Any] | None = None
) -> JSONResponse:
    """Build the one error body."""
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    body = {
        "error": {
            "status": status,
            "code": code or _CODES.get(status, "error"),
            "message": message,
            "details": details or [],
        }
    }
    return JSONResponse(jsonable_encoder(body), status_code=status, headers=headers)


async def _kcrm_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, KcrmError)
    response = error_response(exc.status_code, exc.message, code=exc.code, details=exc.details)
    if isinstance(exc, RateLimited):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = [
        {"loc": list(err.get("loc", ())), "msg": err.get("msg", ""), "type": err.get("type", "")}
        for err in exc.errors()
    ]
    fields = ", ".join(".".join(str(p) for p in d["loc"]) for d in details)
    return error_response(422, f"invalid request: {fields}", details=details)


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return error_response(exc.status_code, str(exc.detail))


async def _integrity_error(_request: Request, exc: Exception) -> JSONResponse:
    log.info("integrity error: %s", exc)
    return error_response(409, "the change conflicts with existing data (duplicate or in use)")


async def _out_of_range(_request: Request, exc: Exception) -> JSONResponse:
    # Numbers past the database's integer range (SQLite OverflowError, PostgreSQL DataError).
    log.info("value out of range: %s", exc)
    return error_response(422, "a number or value in the request is out of range")


async def _unhandled(_request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", exc_info=exc)
    return error_response(500, "internal error; it has been logged")


def install_error_handlers(app: FastAPI) -> None:
    """Map every error type onto the one JSON shape; no stack trace reaches a client."""
    app.add_exception_handler(KcrmError, _kcrm_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(IntegrityError, _integrity_error)
    app.add_exception_handler(OverflowError, _out_of_range)
    app.add_exception_handler(DataError, _out_of_range)
    app.add_exception_handler(Exception, _unhandled)
