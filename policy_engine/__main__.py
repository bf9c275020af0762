"""``python -m policy_engine`` runs the CLI."""

from .cli import main

main()
