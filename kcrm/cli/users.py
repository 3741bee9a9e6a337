"""Account commands."""

from __future__ import annotations

import typer

from kcrm.auth import service as auth_service
from kcrm.auth.models import Role
from kcrm.auth.schemas import UserCreate
from kcrm.cli.session import cli_session

app = typer.Typer(help="User accounts", no_args_is_help=True)


@app.command()
def create(
    email: str,
    full_name: str = typer.Option(..., "--name"),
    role: Role = typer.Option(Role.agent),
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
    customer_id: int | None = typer.Option(None, help="Bind a customer portal account"),
) -> None:
    """Create a user account."""
    data = UserCreate(
        email=email, full_name=full_name, role=role, password=password, customer_id=customer_id
    )
    with cli_session() as session:
        user = auth_service.create(session, data=data)
        typer.echo(f"created user {user.id} <{user.email}> as {user.role.value}")
