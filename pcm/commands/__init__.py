"""One module per `pcm` sub-command; each defines `add_parser(subparsers)`."""
