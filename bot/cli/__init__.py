"""`tambon`: the command-line tool. One module per group of subcommands."""

from __future__ import annotations

import os

import click

from bot.cli import export, faq, manage, processes, qr, report, richmenu, survey


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """tambon — LINE Official Account service for Thai local offices."""
    os.umask(0o077)  # what tambon writes (the SQLite files, Redis' dump, keys) is ours alone


for module in (export, faq, manage, processes, qr, report, richmenu, survey):
    for command in module.COMMANDS:
        main.add_command(command)
