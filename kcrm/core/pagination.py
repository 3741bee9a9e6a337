"""List pages: limit/offset, a whitelisted sort, and a total count."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field
from sqlalchemy import Select, func, select
from sqlalchemy.orm import QueryableAttribute, Session
from sqlalchemy.sql.elements import ColumnElement

from kcrm.core.errors import InvalidInput

T = TypeVar("T")
M = TypeVar("M")


class PageParams(BaseModel):
    """Pagination and sorting asked for by a client."""

    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)
    sort: str | None = Field(None, description="A field name; prefix with '-' for descending")


class Page(BaseModel, Generic[T]):
    """One page of results with the total across all pages."""

    items: list[T]
    total: int
    limit: int
    offset: int


def order_clause(
    sort: str | None, allowed: Mapping[str, ColumnElement[Any] | QueryableAttribute[Any]]
) -> ColumnElement[Any]:
    """Turn 'field' or '-field' into an ORDER BY clause, refusing fields not in `allowed`."""
    if not sort:
        return next(iter(allowed.values())).desc()
    name = sort.removeprefix("-")
    if name not in allowed:
        raise InvalidInput(
            f"cannot sort by {name!r}; choose one of {', '.join(sorted(allowed))}", field="sort"
        )
    column = allowed[name]
    return column.desc() if sort.startswith("-") else column.asc()


def paginate(
    session: Session,
    statement: Select[Any],
    params: PageParams,
    allowed_sorts: Mapping[str, ColumnElement[Any] | QueryableAttribute[Any]],
) -> tuple[Sequence[M], int]:
    """Run a select for one page and count the whole result set."""
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    ordered = statement.order_by(order_clause(params.sort, allowed_sorts))
    if "id" in allowed_sorts:  # a stable tie-breaker keeps pages from overlapping
        ordered = ordered.order_by(allowed_sorts["id"].asc())
    items: Sequence[Any] = session.scalars(ordered.limit(params.limit).offset(params.offset)).all()
    return items, int(total or 0)
