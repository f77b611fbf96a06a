"""The newswatch subcommands, one module per family; crawler/cli.py assembles them."""
