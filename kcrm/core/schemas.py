"""The base of every pydantic schema."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Schema(BaseModel):
    """Reads from ORM objects; refuses unknown fields so typos are caught."""

    model_config = ConfigDict(from_attributes=True, extra="forbid")
